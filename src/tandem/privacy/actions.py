"""The privacy permission actions: the DPO's work is kept by the CISO's team; the CISO signs DPIAs off."""

from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"ciso", "security_analyst", "cio"}
VIEW = register_action("privacy.view", "See records of processing activities and DPIAs", READ_ROLES)
EDIT = register_action("privacy.edit", "Keep the records of processing activities and DPIAs", EDITORS)
SIGN = register_action("privacy.sign", "Sign a DPIA off (or reject it) after the DPO's opinion", {"ciso"})
