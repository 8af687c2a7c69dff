// C shims for OpenSSL libcrypto: macros and type-generic stack helpers that
// Swift cannot import (sk_X509_* are macros over OPENSSL_sk_*).
#ifndef CERTDIR_COPENSSL_SHIM_H
#define CERTDIR_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

static inline STACK_OF(X509) *copenssl_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int copenssl_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *copenssl_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline int copenssl_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }
// Frees the stack and drops one reference on every certificate in it.
static inline void copenssl_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
// Frees the stack only; the certificates stay owned elsewhere.
static inline void copenssl_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }

// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long copenssl_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

// OPENSSL_free is a macro that passes __FILE__/__LINE__.
static inline void copenssl_free(void *pointer) { OPENSSL_free(pointer); }

// XN_FLAG_RFC2253 is a macro built from other macros with casts.
static inline unsigned long copenssl_xn_flag_rfc2253(void) { return XN_FLAG_RFC2253; }

// PKCS12_parse and d2i_PKCS12, for reading a PKCS#12 file (PKCS12File.swift).
#include <openssl/pkcs12.h>

// One DER value read with d2i, which must use exactly `length` bytes.
#define COPENSSL_D2I_EXACT(type, d2i, der, length) ({ \
    const unsigned char *cursor_ = (der); \
    type *value_ = d2i(NULL, &cursor_, (length)); \
    if (value_ != NULL && cursor_ != (der) + (length)) { type##_free(value_); value_ = NULL; } \
    value_; })

// Parses one DER Name or Time and hands it to `set`, which copies it; 1 on success.
static inline int copenssl_set_name(
    X509 *certificate, int (*set)(X509 *, const X509_NAME *), const unsigned char *der, long length) {
    X509_NAME *name = COPENSSL_D2I_EXACT(X509_NAME, d2i_X509_NAME, der, length);
    int ok = name != NULL && set(certificate, name);
    X509_NAME_free(name);
    return ok;
}
static inline int copenssl_set_time(
    X509 *certificate, int (*set)(X509 *, const ASN1_TIME *), const unsigned char *der, long length) {
    ASN1_TIME *time = COPENSSL_D2I_EXACT(ASN1_TIME, d2i_ASN1_TIME, der, length);
    int ok = time != NULL && set(certificate, time);
    ASN1_TIME_free(time);
    return ok;
}

// A certificate object with everything a leaf's path checks read except the key
// and the signature value: version (0-2), the signature AlgorithmIdentifier
// (set as both the inner and the outer one), issuer and subject Names, the two
// Times, and the Extensions SEQUENCE (NULL for none), each as DER. OpenSSL
// 3.0's d2i_X509 spends most of its time decoding the key through provider
// decoders; this reads the rest with OpenSSL's own parsers. NULL when a part
// does not parse.
static inline X509 *copenssl_keyless_certificate(
    long version, const unsigned char *algorithm, long algorithm_length, const unsigned char *issuer,
    long issuer_length, const unsigned char *not_before, long not_before_length, const unsigned char *not_after,
    long not_after_length, const unsigned char *subject, long subject_length, const unsigned char *extensions,
    long extensions_length) {
    X509 *certificate = X509_new();
    if (certificate == NULL) return NULL;
    int ok = X509_set_version(certificate, version);
    X509_ALGOR *signature = COPENSSL_D2I_EXACT(X509_ALGOR, d2i_X509_ALGOR, algorithm, algorithm_length);
    if (ok && signature != NULL) {
        // X509 offers no setter for these two: they are its own fields, reached through the getters.
        const X509_ALGOR *outer = NULL;
        X509_get0_signature(NULL, &outer, certificate);
        ok = X509_ALGOR_copy((X509_ALGOR *)X509_get0_tbs_sigalg(certificate), signature)
            && X509_ALGOR_copy((X509_ALGOR *)outer, signature);
    } else {
        ok = 0;
    }
    X509_ALGOR_free(signature);
    ok = ok && copenssl_set_name(certificate, X509_set_issuer_name, issuer, issuer_length)
        && copenssl_set_name(certificate, X509_set_subject_name, subject, subject_length)
        && copenssl_set_time(certificate, X509_set1_notBefore, not_before, not_before_length)
        && copenssl_set_time(certificate, X509_set1_notAfter, not_after, not_after_length);
    if (ok && extensions != NULL) {
        const unsigned char *cursor = extensions;
        STACK_OF(X509_EXTENSION) *list = d2i_X509_EXTENSIONS(NULL, &cursor, extensions_length);
        ok = list != NULL && cursor == extensions + extensions_length;
        for (int i = 0; ok && i < sk_X509_EXTENSION_num(list); i++) {
            ok = X509_add_ext(certificate, sk_X509_EXTENSION_value(list, i), -1);
        }
        sk_X509_EXTENSION_pop_free(list, X509_EXTENSION_free);
    }
    if (!ok) {
        X509_free(certificate);
        return NULL;
    }
    return certificate;
}

#endif
