package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// maxClientPathLen bounds path building from a client leaf to a CA the
// server accepts.
const maxClientPathLen = 8

// SelectClientIdentity decides which of ids fit req at time now, the way
// browsers choose a client certificate. An identity fits when
//   - its leaf is valid at now, allows client authentication (no extended
//     key usage, clientAuth or anyExtendedKeyUsage; a key usage, if
//     present, including digitalSignature);
//   - its key can make one of the server's signature schemes at the
//     negotiated version (TLS 1.3 excludes PKCS#1 v1.5 and SHA-1, so an
//     RSA token key without PSS fits only TLS 1.2);
//   - a path from the leaf through the identity's own CA certificates and
//     intermediates (signatures checked) reaches a certificate issued by
//     one of the server's acceptable CAs (any CA when the list is empty).
//
// It returns the fitting identities ranked best first — newest NotBefore,
// then the latest NotAfter, then the order of ids — each with Chain set to
// what to send (the leaf and the path's CA certificates, without a
// self-signed root), and the others with the reason each was skipped.
func SelectClientIdentity(req ClientCertificateRequest, ids []ClientIdentity, intermediates []*x509.Certificate, now time.Time) (fit []ClientIdentity, skipped []SkippedIdentity) {
	for _, id := range ids {
		send, reason := fitClientIdentity(req, id, intermediates, now)
		if reason != "" {
			skipped = append(skipped, SkippedIdentity{Identity: id, Reason: reason})
			continue
		}
		id.Chain = send
		fit = append(fit, id)
	}
	sort.SliceStable(fit, func(i, j int) bool {
		a, b := fit[i].Chain[0], fit[j].Chain[0]
		if !a.NotBefore.Equal(b.NotBefore) {
			return a.NotBefore.After(b.NotBefore)
		}
		return a.NotAfter.After(b.NotAfter)
	})
	return fit, skipped
}

// fitClientIdentity returns the chain to send, or why id does not fit.
func fitClientIdentity(req ClientCertificateRequest, id ClientIdentity, intermediates []*x509.Certificate, now time.Time) ([]*x509.Certificate, string) {
	if id.Unusable != nil {
		return nil, id.Unusable.Error()
	}
	if len(id.Chain) == 0 || id.Chain[0] == nil {
		return nil, "it has no certificate"
	}
	leaf := id.Chain[0]
	if now.Before(leaf.NotBefore) {
		return nil, "its certificate is not valid until " + fmtTime(leaf.NotBefore)
	}
	if now.After(leaf.NotAfter) {
		return nil, "its certificate expired at " + fmtTime(leaf.NotAfter)
	}
	if r := clientUsageProblem(leaf); r != "" {
		return nil, r
	}
	if !keyFitsSchemes(leaf, id.SignatureSchemes, req) {
		return nil, fmt.Sprintf("its %s key cannot make any signature the server accepts at %s (server: %s)",
			keyKind(leaf), versionName(req.Version), schemeNames(req.SignatureSchemes))
	}
	pool := append(append([]*x509.Certificate(nil), id.Chain[1:]...), intermediates...)
	path := pathToAcceptable(leaf, pool, req.AcceptableCAs)
	if path == nil {
		return nil, fmt.Sprintf("its chain (issuer %q) leads to none of the CAs the server accepts", leaf.Issuer.String())
	}
	return path, ""
}

func clientUsageProblem(leaf *x509.Certificate) string {
	if leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return "its key usage does not allow digital signatures"
	}
	if len(leaf.ExtKeyUsage) == 0 && len(leaf.UnknownExtKeyUsage) == 0 {
		return ""
	}
	if slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) || slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny) {
		return ""
	}
	return "its extended key usage does not include clientAuth"
}

// pathToAcceptable searches, depth first, for a path from leaf through pool
// to a certificate issued by an acceptable CA; it returns the path without
// a self-signed root, or nil.
func pathToAcceptable(leaf *x509.Certificate, pool []*x509.Certificate, acceptable [][]byte) []*x509.Certificate {
	var walk func(path []*x509.Certificate) []*x509.Certificate
	walk = func(path []*x509.Certificate) []*x509.Certificate {
		cur := path[len(path)-1]
		if len(acceptable) == 0 && isSelfIssued(cur) {
			return path
		}
		if issuedByAcceptable(cur, acceptable) {
			return path
		}
		if len(path) >= maxClientPathLen || isSelfIssued(cur) {
			return nil
		}
		for _, c := range pool {
			if slices.Contains(path, c) || !bytes.Equal(c.RawSubject, cur.RawIssuer) || cur.CheckSignatureFrom(c) != nil {
				continue
			}
			if p := walk(append(slices.Clone(path), c)); p != nil {
				return p
			}
		}
		if len(acceptable) == 0 {
			return path // any CA will do: send what we could build
		}
		return nil
	}
	p := walk([]*x509.Certificate{leaf})
	if len(p) > 1 && isSelfIssued(p[len(p)-1]) {
		p = p[:len(p)-1]
	}
	return p
}

func issuedByAcceptable(c *x509.Certificate, acceptable [][]byte) bool {
	for _, a := range acceptable {
		if bytes.Equal(c.RawIssuer, a) {
			return true
		}
	}
	return false
}

// keyFitsSchemes reports whether the leaf's key, limited to keySchemes when
// not nil, can make one of the schemes req accepts.
func keyFitsSchemes(leaf *x509.Certificate, keySchemes []tls.SignatureScheme, req ClientCertificateRequest) bool {
	if len(req.SignatureSchemes) == 0 {
		return keySchemes == nil || len(keySchemes) > 0
	}
	for _, s := range req.SignatureSchemes {
		if keySchemes != nil && !slices.Contains(keySchemes, s) {
			continue
		}
		if schemeFitsKey(s, leaf.PublicKey, req.Version) {
			return true
		}
	}
	return false
}

// schemeFitsKey reports whether scheme can be made with pub at version
// (RFC 8446 4.2.3: TLS 1.3 has no PKCS#1 v1.5 or SHA-1 signatures, and its
// ECDSA schemes name the curve).
func schemeFitsKey(s tls.SignatureScheme, pub any, version uint16) bool {
	tls13 := version >= tls.VersionTLS13
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch s {
		case tls.PSSWithSHA256, tls.PSSWithSHA384, tls.PSSWithSHA512:
			return true
		case tls.PKCS1WithSHA256, tls.PKCS1WithSHA384, tls.PKCS1WithSHA512, tls.PKCS1WithSHA1:
			return !tls13
		}
	case *ecdsa.PublicKey:
		curve := map[tls.SignatureScheme]elliptic.Curve{tls.ECDSAWithP256AndSHA256: elliptic.P256(),
			tls.ECDSAWithP384AndSHA384: elliptic.P384(), tls.ECDSAWithP521AndSHA512: elliptic.P521()}
		if s == tls.ECDSAWithSHA1 {
			return !tls13
		}
		c, ok := curve[s]
		return ok && (!tls13 || c == k.Curve)
	case ed25519.PublicKey:
		return s == tls.Ed25519
	}
	return false
}

func keyKind(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", c.PublicKey)
}

func versionName(v uint16) string {
	if v == 0 {
		return "the negotiated version"
	}
	return tls.VersionName(v)
}

func schemeNames(list []tls.SignatureScheme) string {
	if len(list) == 0 {
		return "none listed"
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}
