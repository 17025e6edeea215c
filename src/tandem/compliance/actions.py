"""The compliance permission actions: the CISO's team runs the program, everyone reads, auditors read all."""

from tandem.platform.auth.roles import READ_ROLES, register_action

# The CISO owns the security program; the security analysts work its records. The CIO reads it.
EDITORS = {"ciso", "security_analyst"}
VIEW = register_action("compliance.view", "See frameworks, mappings, controls, assessments and evidence", READ_ROLES)
EDIT = register_action("compliance.edit", "Create and change controls, mappings, evidence and POA&M items", EDITORS)
ASSESS = register_action("compliance.assess", "Run assessments: record, confirm and complete results", EDITORS)
IMPORT = register_action("compliance.import", "Import frameworks, profiles and mappings into the library", {"ciso"})
EXPORT = register_action("compliance.export", "Export OSCAL documents, gap reports and charts", READ_ROLES)
