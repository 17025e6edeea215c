"""A small hospital's access files: 8 identities, two systems, a nested role, planted problems."""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
RECENT = (NOW - dt.timedelta(days=3)).isoformat()
OLD = (NOW - dt.timedelta(days=200)).isoformat()

IDENTITIES = """employee_id,email,display_name,department,manager_id,status,end_date
E9,mia.boss@hospital.example,Mia Boss,Clinical,,active,
E1,alice@hospital.example,Alice Adams,Clinical,E9,active,
E2,bob@hospital.example,Bob Brown,Clinical,E9,active,
E3,carol@hospital.example,Carol Chen,Clinical,E9,active,
E4,dan@hospital.example,Dan Dorn,Clinical,E9,active,
E5,eve@hospital.example,Eve Evans,Clinical,E9,active,
E6,frank@hospital.example,Frank Fox,Clinical,E9,terminated,2026-10-31
E7,gina@hospital.example,Gina Gold,Finance,E9,active,
"""
ACCOUNT_HEADER = (
    "system,account_id,username,email,employee_id,status,created_at,last_login_at,is_privileged,"
    "is_service_account,owner_employee_id\n"
)
ACCOUNTS = (
    ACCOUNT_HEADER
    + f"""ehr,a1,alice,,E1,enabled,2024-01-01,{RECENT},false,false,
ehr,a2,bbrown,bob@hospital.example,,enabled,2024-01-01,{RECENT},false,false,
ehr,a3,carol,,,enabled,2024-01-01,{RECENT},false,false,
ehr,a4,dan,dan@hospital.example,,enabled,2024-01-01,{RECENT},false,false,
ehr,a5,eve,eve@hospital.example,,enabled,2024-01-01,{OLD},false,false,
ehr,a6,frank,frank@hospital.example,,enabled,2024-01-01,{RECENT},false,false,
ehr,a7,ghost,,,enabled,2024-01-01,{RECENT},false,false,
ehr,svc1,svc-sync,,,enabled,2024-01-01,,false,true,
ehr,a9,mia,mia.boss@hospital.example,,enabled,2024-01-01,{RECENT},false,false,
fin,f7,gina,gina@hospital.example,E7,enabled,2024-01-01,{RECENT},true,false,
"""
)
ENTITLEMENTS = """system,entitlement_id,name,type,owner_employee_id,privileged,description,includes,data_stores
ehr,clinician,Clinician,role,E9,false,,chart-read,
ehr,chart-read,Read charts,permission,E9,false,,,EHR database:read
ehr,export,Export patients,permission,E9,false,,,EHR database:export
fin,create-vendor,Create vendor,permission,E7,false,,,
fin,approve-payment,Approve payment,permission,E7,false,,,
"""
ASSIGNMENTS = """system,account_id,entitlement_id,granted_at,granted_by,last_used_at
ehr,a1,clinician,2024-01-02,it,
ehr,a2,clinician,2024-01-02,it,
ehr,a3,clinician,2024-01-02,it,
ehr,a4,clinician,2024-01-02,it,
ehr,a5,clinician,2024-01-02,it,
ehr,a6,clinician,2024-01-02,it,
ehr,a7,clinician,2024-01-02,it,
ehr,a9,clinician,2024-01-02,it,
ehr,a1,export,2024-01-02,it,
fin,f7,create-vendor,2024-01-02,it,
fin,f7,approve-payment,2024-01-02,it,
"""
FILES = {"identities": IDENTITIES, "accounts": ACCOUNTS, "entitlements": ENTITLEMENTS, "assignments": ASSIGNMENTS}
SOD = {"name": "Vendor + payment", "left": ["fin:create-vendor"], "right": ["fin:approve-payment"]}
