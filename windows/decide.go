package windows

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// The decisions taken on what the chain engine returned, kept free of
// Win32 calls so that they are tested on every OS with the status bits real
// Windows sets (see decide_test.go).

// CERT_TRUST_* error bits the decisions below look at (wincrypt.h).
const (
	trustIsUntrustedRoot     = 0x00000020 // CERT_TRUST_IS_UNTRUSTED_ROOT
	trustIsPartialChain      = 0x00010000 // CERT_TRUST_IS_PARTIAL_CHAIN
	trustRevocationUnknown   = 0x00000040 // CERT_TRUST_REVOCATION_STATUS_UNKNOWN
	trustIsOfflineRevocation = 0x01000000 // CERT_TRUST_IS_OFFLINE_REVOCATION
)

// CERT_CHAIN_POLICY_IGNORE_*_REV_UNKNOWN_FLAG: which elements' unknown
// revocation status the chain policy excuses.
const (
	policyIgnoreEndRevUnknown       = 0x00000100 // CERT_CHAIN_POLICY_IGNORE_END_REV_UNKNOWN_FLAG
	policyIgnoreCTLSignerRevUnknown = 0x00000200 // CERT_CHAIN_POLICY_IGNORE_CTL_SIGNER_REV_UNKNOWN_FLAG
	policyIgnoreCARevUnknown        = 0x00000400 // CERT_CHAIN_POLICY_IGNORE_CA_REV_UNKNOWN_FLAG
	policyIgnoreRootRevUnknown      = 0x00000800 // CERT_CHAIN_POLICY_IGNORE_ROOT_REV_UNKNOWN_FLAG

	// policyHardFailLeaf excuses an unknown status everywhere but on the
	// leaf: hard-fail as rustls-platform-verifier means it.
	policyHardFailLeaf = policyIgnoreCTLSignerRevUnknown | policyIgnoreCARevUnknown | policyIgnoreRootRevUnknown
)

// needsExtraRoots decides, from the CERT_TRUST_STATUS.dwErrorStatus of the
// chain the OS default engine built, whether the WithRoots engine (the OS
// roots plus the program's) is asked again: exactly when the default
// engine did not reach a root it trusts (untrusted root or partial chain),
// whatever other error the policy reported first. A chain that reached a
// trusted root and failed for another reason (expired, revoked, wrong
// name) is not retried: the extra roots cannot change that verdict.
func needsExtraRoots(chainBits uint32) bool {
	return chainBits&(trustIsUntrustedRoot|trustIsPartialChain) != 0
}

// firstAccepted tries n candidate chains in the engine's rank order (the
// best chain, then the lower-quality ones of
// CERT_CHAIN_RETURN_LOWER_QUALITY_CONTEXTS, e.g. the other path of a
// cross-signed hierarchy) and returns the index of the first that decide
// accepts. When none does, the best-ranked chain's error is returned: it
// is the one that explains the failure, as in Go's root_windows.go.
func firstAccepted(n int, decide func(i int) error) (int, error) {
	var first error
	for i := 0; i < n; i++ {
		err := decide(i)
		if err == nil {
			return i, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = errors.New("windows: the chain engine returned no chain")
	}
	return -1, first
}

// elementRevIgnoreFlag is the policy flag that excuses an unknown
// revocation status on element i of an n-element simple chain: the leaf is
// the end certificate, the last element of a longer chain the root, the
// others CAs.
func elementRevIgnoreFlag(i, n int) uint32 {
	switch {
	case i == 0:
		return policyIgnoreEndRevUnknown
	case i == n-1:
		return policyIgnoreRootRevUnknown
	}
	return policyIgnoreCARevUnknown
}

// revUnknownExcused reports whether every element whose revocation status
// is unknown (or offline) is excused by policyFlags. It decides a policy
// verdict of CRYPT_E_NO_REVOCATION_CHECK / CRYPT_E_REVOCATION_OFFLINE /
// CERT_E_REVOCATION_FAILURE from the elements' own bits rather than from
// the policy's one code: some implementations of the policy (Wine's) do not
// honour the per-element ignore flags.
func revUnknownExcused(elemBits []uint32, policyFlags uint32) bool {
	for i, b := range elemBits {
		if b&(trustRevocationUnknown|trustIsOfflineRevocation) != 0 && policyFlags&elementRevIgnoreFlag(i, len(elemBits)) == 0 {
			return false
		}
	}
	return true
}

// residualStatus is the safety net over CertVerifyCertificateChainPolicy:
// given the chain context's CERT_TRUST_STATUS.dwErrorStatus, each
// element's (leaf first) and the policy flags, it returns the HRESULT a conforming policy reports for the
// most significant remaining error bit (and the bit's name), or 0.
// Windows' policies never accept a chain with such bits; some
// implementations of the API (Wine's accepts CERT_TRUST_IS_PARTIAL_CHAIN)
// do, and a verifier must not. Revocation-unknown bits count only on the
// elements the policy flags do not excuse.
func residualStatus(chainBits uint32, elemBits []uint32, policyFlags uint32) (uint32, string) {
	// The chain's own revocation bits are the union of its elements',
	// which are judged one by one below.
	bits := chainBits &^ revUnknownBits
	for i, b := range elemBits {
		if policyFlags&elementRevIgnoreFlag(i, len(elemBits)) != 0 {
			b &^= revUnknownBits
		}
		bits |= b
	}
	// Windows' policies excuse unsupported / undefined name-constraint
	// types that are not critical; leave those to the policy.
	bits &^= 0x00001000 | 0x00002000
	for _, b := range trustBits {
		if bits&b.bit != 0 {
			return b.code, b.name
		}
	}
	return 0, ""
}

// checkECDSASignatures re-checks with crypto/x509 every signature in the
// chain the OS built whose issuer has an ECDSA key, as Go's
// crypto/x509/root_windows.go does: CVE-2020-0601 ("CurveBall") let a
// certificate with explicit curve parameters impersonate any ECDSA root on
// unpatched Windows, and a verifier must not depend on the patch.
func checkECDSASignatures(presented []*x509.Certificate, built builtChain, opts trust.VerifyOptions) *trust.VerificationError {
	for i := 1; i < len(built.Certs); i++ {
		parent, child := built.Certs[i], built.Certs[i-1]
		if parent.PublicKeyAlgorithm != x509.ECDSA {
			continue
		}
		err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
		if err == nil {
			continue
		}
		ve := policyError(presented, built, 0x80096004, i-1, opts) // TRUST_E_CERT_SIGNATURE
		ve.Certificate, ve.Depth = child, depthOf(presented, child)
		ve.Detail = fmt.Sprintf("its ECDSA signature by %q does not verify (checked again with crypto/x509, CVE-2020-0601)", parent.Subject.CommonName)
		ve.Err = fmt.Errorf("the chain engine accepted a signature crypto/x509 rejects: %w", err)
		return ve
	}
	return nil
}
