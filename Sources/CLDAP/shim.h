// C shims for OpenLDAP's libldap/liblber: only what Swift cannot import directly.
#ifndef CERTDIR_CLDAP_SHIM_H
#define CERTDIR_CLDAP_SHIM_H

#include <sys/time.h>
#include <string.h>
#include <ldap.h>
#include <lber.h>
#include <sasl/sasl.h>

// LDAP_OPT_ON is `((void *) &ber_pvt_opt_on)`: Swift 6 rejects the address of a
// mutable C global that is not concurrency-safe, so hand it out from C.
static inline void *cldap_opt_on(void) { return LDAP_OPT_ON; }

// LDAP_OPT_OFF is a null pointer cast; named here for readability at call sites.
static inline void *cldap_opt_off(void) { return LDAP_OPT_OFF; }

// LDAP_SASL_SIMPLE is `((char *) 0)`, a macro Swift does not import.
static inline const char *cldap_sasl_simple(void) { return LDAP_SASL_SIMPLE; }

// Message type constants import with mixed integer types (UInt vs Int32);
// one int-typed accessor each keeps the Swift switch exhaustive and simple.
static inline int cldap_res_search_entry(void) { return LDAP_RES_SEARCH_ENTRY; }
static inline int cldap_res_search_reference(void) { return LDAP_RES_SEARCH_REFERENCE; }
static inline int cldap_res_search_result(void) { return LDAP_RES_SEARCH_RESULT; }

// struct timeval comes from <sys/time.h>, which Swift may attribute to another
// clang module; building it here keeps the libldap files free of that import.
static inline struct timeval cldap_timeval(long seconds, long microseconds) {
    struct timeval tv = { seconds, microseconds };
    return tv;
}

// LDAP_RES_MODIFY is a ber_tag_t cast; an int like the search result types above.
static inline int cldap_res_modify(void) { return LDAP_RES_MODIFY; }
static inline int cldap_res_extended(void) { return LDAP_RES_EXTENDED; }

// The interaction callback of ldap_sasl_interactive_bind_s: certdir never prompts, so every
// question a SASL mechanism asks (GSSAPI: none, or the authorization identity) gets its default
// answer, or an empty one. A C function, because Swift closures cannot be C function pointers
// that libsasl calls with its own argument types.
static int cldap_sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *list) {
    (void)ld; (void)flags; (void)defaults;
    for (sasl_interact_t *in = (sasl_interact_t *)list; in && in->id != SASL_CB_LIST_END; in++) {
        const char *answer = in->defresult ? in->defresult : "";
        in->result = answer;
        in->len = (unsigned)strlen(answer);
    }
    return LDAP_SUCCESS;
}
static inline LDAP_SASL_INTERACT_PROC *cldap_sasl_interact_proc(void) { return cldap_sasl_interact; }
static inline unsigned cldap_sasl_quiet(void) { return LDAP_SASL_QUIET; }

// mod_bvalues is a macro over the anonymous-member union mod_vals.
static inline void cldap_mod_set_bvalues(LDAPMod *mod, struct berval **values) { mod->mod_bvalues = values; }

#endif
