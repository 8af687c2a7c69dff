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

// The extension stack of d2i_X509_EXTENSIONS (sk_X509_EXTENSION_* are macros).
static inline int copenssl_sk_X509_EXTENSION_num(const STACK_OF(X509_EXTENSION) *stack) {
    return sk_X509_EXTENSION_num(stack);
}
static inline X509_EXTENSION *copenssl_sk_X509_EXTENSION_value(const STACK_OF(X509_EXTENSION) *stack, int index) {
    return sk_X509_EXTENSION_value(stack, index);
}
static inline void copenssl_sk_X509_EXTENSION_pop_free(STACK_OF(X509_EXTENSION) *stack) {
    sk_X509_EXTENSION_pop_free(stack, X509_EXTENSION_free);
}

#endif
