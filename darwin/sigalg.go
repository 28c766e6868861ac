package darwin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"fmt"
)

// signatureAlgorithm returns the name of the SecKeyAlgorithm constant that
// signs digest-sized input for a key with public key pub under opts, e.g.
// "kSecKeyAlgorithmRSASignatureDigestPSSSHA256". Digests are always
// pre-hashed by the caller (crypto.Signer's contract), so only the
// …SignatureDigest… algorithms are used. RSA-PSS requires the salt length
// to equal the hash length (what TLS uses); Security.framework offers no
// other.
func signatureAlgorithm(pub crypto.PublicKey, digestLen int, opts crypto.SignerOpts) (string, error) {
	if opts == nil {
		return "", fmt.Errorf("%w: signer options are nil (pass a crypto.Hash)", ErrUnsupported)
	}
	h := opts.HashFunc()
	suffix, ok := hashSuffix[h]
	if !ok {
		return "", fmt.Errorf("%w: hash %v (use SHA-1, SHA-256, SHA-384 or SHA-512)", ErrUnsupported, h)
	}
	if digestLen != h.Size() {
		return "", fmt.Errorf("darwin: digest is %d bytes but %v digests are %d bytes", digestLen, h, h.Size())
	}
	switch pub.(type) {
	case *rsa.PublicKey:
		if pss, isPSS := opts.(*rsa.PSSOptions); isPSS {
			if pss.SaltLength != rsa.PSSSaltLengthEqualsHash && pss.SaltLength != rsa.PSSSaltLengthAuto && pss.SaltLength != h.Size() {
				return "", fmt.Errorf("%w: RSA-PSS salt length %d (the keychain signs with salt length = hash length only)", ErrUnsupported, pss.SaltLength)
			}
			if h == crypto.SHA1 {
				return "", fmt.Errorf("%w: RSA-PSS with SHA-1", ErrUnsupported)
			}
			return "kSecKeyAlgorithmRSASignatureDigestPSS" + suffix, nil
		}
		return "kSecKeyAlgorithmRSASignatureDigestPKCS1v15" + suffix, nil
	case *ecdsa.PublicKey:
		return "kSecKeyAlgorithmECDSASignatureDigestX962" + suffix, nil
	}
	return "", fmt.Errorf("%w: key type %T (the keychain signs with RSA and ECDSA keys)", ErrUnsupported, pub)
}

var hashSuffix = map[crypto.Hash]string{
	crypto.SHA1:   "SHA1",
	crypto.SHA256: "SHA256",
	crypto.SHA384: "SHA384",
	crypto.SHA512: "SHA512",
}

// schemeAlgorithm is a TLS signature scheme and the SecKeyAlgorithm that
// produces it.
type schemeAlgorithm struct {
	scheme    tls.SignatureScheme
	algorithm string
}

var rsaSchemes = []schemeAlgorithm{
	{tls.PSSWithSHA256, "kSecKeyAlgorithmRSASignatureDigestPSSSHA256"},
	{tls.PSSWithSHA384, "kSecKeyAlgorithmRSASignatureDigestPSSSHA384"},
	{tls.PSSWithSHA512, "kSecKeyAlgorithmRSASignatureDigestPSSSHA512"},
	{tls.PKCS1WithSHA256, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA256"},
	{tls.PKCS1WithSHA384, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA384"},
	{tls.PKCS1WithSHA512, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA512"},
}

// signatureSchemes returns the TLS signature schemes a key with public key
// pub can produce, best first. supported, if not nil, is asked about each
// SecKeyAlgorithm name (SecKeyIsAlgorithmSupported); a smart card without
// RSA-PSS thus reports only the PKCS#1 v1.5 schemes. ECDSA keys report the
// one scheme TLS 1.3 allows for their curve.
func signatureSchemes(pub crypto.PublicKey, supported func(algorithm string) bool) []tls.SignatureScheme {
	var cands []schemeAlgorithm
	switch k := pub.(type) {
	case *rsa.PublicKey:
		cands = rsaSchemes
		if k.Size() < 2*crypto.SHA512.Size()+2 {
			cands = dropScheme(cands, tls.PSSWithSHA512)
		}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			cands = []schemeAlgorithm{{tls.ECDSAWithP256AndSHA256, "kSecKeyAlgorithmECDSASignatureDigestX962SHA256"}}
		case elliptic.P384():
			cands = []schemeAlgorithm{{tls.ECDSAWithP384AndSHA384, "kSecKeyAlgorithmECDSASignatureDigestX962SHA384"}}
		case elliptic.P521():
			cands = []schemeAlgorithm{{tls.ECDSAWithP521AndSHA512, "kSecKeyAlgorithmECDSASignatureDigestX962SHA512"}}
		}
	}
	var out []tls.SignatureScheme
	for _, c := range cands {
		if supported == nil || supported(c.algorithm) {
			out = append(out, c.scheme)
		}
	}
	return out
}

func dropScheme(in []schemeAlgorithm, s tls.SignatureScheme) []schemeAlgorithm {
	var out []schemeAlgorithm
	for _, c := range in {
		if c.scheme != s {
			out = append(out, c)
		}
	}
	return out
}

// keyHash returns the kSecAttrApplicationLabel the keychain gives a key
// pair: the SHA-1 of the PKCS#1 RSAPublicKey DER, or of the uncompressed
// EC point (SEC 1 §2.3.3). It is the hash= of a mackms: URI.
func keyHash(pub crypto.PublicKey) ([]byte, error) {
	var b []byte
	switch k := pub.(type) {
	case *rsa.PublicKey:
		b = x509.MarshalPKCS1PublicKey(k)
	case *ecdsa.PublicKey:
		ek, err := k.ECDH()
		if err != nil {
			return nil, fmt.Errorf("%w: EC key: %v", ErrUnsupported, err)
		}
		b = ek.Bytes()
	default:
		return nil, fmt.Errorf("%w: key type %T", ErrUnsupported, pub)
	}
	sum := sha1.Sum(b)
	return sum[:], nil
}
