#!/usr/bin/python3
"""Load LDIF files straight into a provisioned Samba AD DC's sam.ldb, then set passwords.

Usage: scripts/samba-load.py SMB_CONF SAM_LDB PASSWORDS.json SPNS LDIF...

Used by scripts/samba-directory before samba starts: one ldb transaction per file through
python3-samba (Debian's system python, which the samba package brings), about twice as fast as
ldapadd over LDAPS and with no server running. PASSWORDS.json maps sAMAccountName to password;
those accounts get the password and a normal, enabled userAccountControl (512). Accounts without
one stay as AD creates them (disabled, no password), which is all a certificate lookup needs.
Passwords are read from the file only, never from the command line. SPNS is a comma-separated list
of service principal names added to the DC's account (DC1$): Samba registers ldap/<host> only through
its dnsupdate service, which this test DC does not run, and Kerberos (GSSAPI) binds need it.
"""
import json
import sys
import time

import ldb
from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

conf, url, passwords_file, spns, ldifs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
lp = LoadParm()
lp.load(conf)
db = SamDB(url=url, session_info=system_session(), lp=lp)
for path in ldifs:
    t = time.time()
    with open(path) as f:
        text = f.read()
    n = 0
    db.transaction_start()
    try:
        for _, msg in db.parse_ldif(text):
            db.add(msg)
            n += 1
        db.transaction_commit()
    except Exception:
        db.transaction_cancel()
        raise
    print(f"samba-load.py: {n} entries from {path} in {time.time() - t:.2f} s", file=sys.stderr)

if spns:
    res = db.search(base=db.domain_dn(), expression="(sAMAccountName=DC1$)", attrs=["dn"])
    m = ldb.Message(res[0].dn)
    m["servicePrincipalName"] = ldb.MessageElement(spns.split(","), ldb.FLAG_MOD_ADD, "servicePrincipalName")
    db.modify(m)

with open(passwords_file) as f:
    passwords = json.load(f)
for sam, password in passwords.items():
    expression = "(sAMAccountName=%s)" % ldb.binary_encode(sam)
    db.setpassword(expression, password, force_change_at_next_login=False, username=sam)
    res = db.search(base=db.domain_dn(), expression=expression, attrs=["dn"])
    m = ldb.Message(res[0].dn)
    m["userAccountControl"] = ldb.MessageElement("512", ldb.FLAG_MOD_REPLACE, "userAccountControl")
    db.modify(m)
