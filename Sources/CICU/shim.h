// C shims for ICU's UTS #46 (IDNA2008) API, for Swift.
//
// Why the ICU declarations are repeated here instead of including
// <unicode/uidna.h>: Foundation on Linux carries its own, newer ICU as the
// Clang module _FoundationICU, and Clang refuses to import two modules whose
// `enum UErrorCode` (and other enums) differ ("... is not present in
// definition of 'enum UErrorCode' in module 'CICU'"). So this header declares
// only the five stable C entry points certdir calls (stable since ICU 4.6), with
// plain integer types of the same size, and takes the version suffix ICU puts
// on every symbol (uidna_openUTS46 is uidna_openUTS46_72 in Debian 12's
// libicu72) from the installed <unicode/uvernum.h>, which holds macros only.
// The option and error values are ICU's (unicode/uidna.h); the unit tests
// (IDNATests) show ICU applying them.
#ifndef CERTDIR_CICU_SHIM_H
#define CERTDIR_CICU_SHIM_H

#include <stdint.h>
#include <unicode/uvernum.h>

#define CICU_ENTRY(name) U_ICU_ENTRY_POINT_RENAME(name)

// ICU's UIDNAInfo (unicode/uidna.h): UBool is int8_t.
typedef struct {
    int16_t size;
    int8_t isTransitionalDifferent;
    int8_t reservedB3;
    uint32_t errors;
    int32_t reservedI2;
    int32_t reservedI3;
} cicu_idna_info;

typedef struct cicu_uidna cicu_uidna;

// The error code parameter is ICU's UErrorCode, an int-sized enum (0 = U_ZERO_ERROR,
// > 0 failure, 15 = U_BUFFER_OVERFLOW_ERROR).
extern cicu_uidna *CICU_ENTRY(uidna_openUTS46)(uint32_t options, int32_t *status);
extern void CICU_ENTRY(uidna_close)(cicu_uidna *idna);
extern int32_t CICU_ENTRY(uidna_nameToASCII_UTF8)(
    const cicu_uidna *idna, const char *name, int32_t length, char *dest, int32_t capacity, cicu_idna_info *info,
    int32_t *status);
extern int32_t CICU_ENTRY(uidna_nameToUnicodeUTF8)(
    const cicu_uidna *idna, const char *name, int32_t length, char *dest, int32_t capacity, cicu_idna_info *info,
    int32_t *status);

// The options certdir uses (UIDNA_* in unicode/uidna.h): non-transitional
// processing both ways, 0x10 | 0x20 (so ß, ς, ZWJ and ZWNJ stay themselves and are
// never mapped to ss, σ or nothing, as IDNA2003 and transitional UTS #46 do),
// STD3 rules 0x2 (letters, digits, hyphen), and the IDNA2008 checks Bidi 0x4
// (RFC 5893), CONTEXTJ 0x8 and CONTEXTO 0x40 (RFC 5892 Appendix A).
static inline uint32_t cicu_uts46_options(void) { return 0x10 | 0x20 | 0x2 | 0x4 | 0x8 | 0x40; }

// A UTS #46 processor with cicu_uts46_options(); NULL with *status set on failure.
// ICU's UTS #46 object is immutable once opened and may be used by several threads.
static inline cicu_uidna *cicu_uts46_open(int32_t *status) {
    *status = 0;
    cicu_uidna *idna = CICU_ENTRY(uidna_openUTS46)(cicu_uts46_options(), status);
    return *status <= 0 ? idna : 0;
}

static inline void cicu_uts46_close(cicu_uidna *idna) { CICU_ENTRY(uidna_close)(idna); }

// nameToASCII (nameToUnicode when to_unicode != 0) on UTF-8 text. Returns the
// length of the result (which may exceed capacity: call again with a larger
// buffer); *errors receives UIDNAInfo.errors (the UIDNA_ERROR_* bits, 0 when
// the name is valid) and *status the UErrorCode.
static inline int32_t cicu_uts46_convert(
    const cicu_uidna *idna, int to_unicode, const char *name, int32_t length, char *dest, int32_t capacity,
    uint32_t *errors, int32_t *status) {
    cicu_idna_info info = {(int16_t)sizeof(cicu_idna_info), 0, 0, 0, 0, 0};
    *status = 0;
    int32_t written = to_unicode
        ? CICU_ENTRY(uidna_nameToUnicodeUTF8)(idna, name, length, dest, capacity, &info, status)
        : CICU_ENTRY(uidna_nameToASCII_UTF8)(idna, name, length, dest, capacity, &info, status);
    *errors = info.errors;
    return written;
}

#endif
