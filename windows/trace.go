package windows

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// TraceEnv is the environment variable that turns on the verification
// trace: with NATIVETLS_WINDOWS_TRACE=1 every Verify writes to standard
// error the flags, the engines asked, every chain built with each
// certificate's status bits by name, and the verdict, for CI logs and bug
// reports. Nothing secret is printed.
const TraceEnv = "NATIVETLS_WINDOWS_TRACE"

// traceOut is where traces go; nil turns tracing off. It is read once, at
// package initialisation, from TraceEnv.
var traceOut io.Writer = traceWriter(os.Getenv(TraceEnv))

func traceWriter(v string) io.Writer {
	if v == "" || v == "0" {
		return nil
	}
	return os.Stderr
}

var traceSeq atomic.Uint64

// tracer writes one verification's trace lines, each prefixed with the
// verification's number. A nil *tracer writes nothing.
type tracer struct {
	w  io.Writer
	id uint64
}

func newTracer() *tracer {
	if traceOut == nil {
		return nil
	}
	return &tracer{w: traceOut, id: traceSeq.Add(1)}
}

func (t *tracer) printf(format string, args ...any) {
	if t == nil {
		return
	}
	fmt.Fprintf(t.w, "nativetls windows trace #%d: %s\n", t.id, fmt.Sprintf(format, args...))
}

// chain writes one built chain, element by element.
func (t *tracer) chain(label string, b builtChain) {
	if t == nil {
		return
	}
	t.printf("%s: chain status error=[%s] info=[%s]", label, errorBitNames(b.ChainBits), infoBitNames(b.ChainInfo))
	for i, c := range b.Certs {
		var info uint32
		if i < len(b.Info) {
			info = b.Info[i]
		}
		rev := ""
		if i < len(b.Rev) && b.Rev[i] != "" {
			rev = " revocation=" + b.Rev[i]
		}
		t.printf("%s: [%d] %q sha256=%x error=[%s] info=[%s]%s", label, i, c.Subject.String(), sha256.Sum256(c.Raw), errorBitNames(b.Bits[i]), infoBitNames(info), rev)
	}
}

type bitName struct {
	bit  uint32
	name string
}

// errorBits names every CERT_TRUST_* error-status bit (wincrypt.h).
var errorBits = []bitName{
	{0x00000001, "CERT_TRUST_IS_NOT_TIME_VALID"}, {0x00000002, "CERT_TRUST_IS_NOT_TIME_NESTED"},
	{0x00000004, "CERT_TRUST_IS_REVOKED"}, {0x00000008, "CERT_TRUST_IS_NOT_SIGNATURE_VALID"},
	{0x00000010, "CERT_TRUST_IS_NOT_VALID_FOR_USAGE"}, {0x00000020, "CERT_TRUST_IS_UNTRUSTED_ROOT"},
	{0x00000040, "CERT_TRUST_REVOCATION_STATUS_UNKNOWN"}, {0x00000080, "CERT_TRUST_IS_CYCLIC"},
	{0x00000100, "CERT_TRUST_INVALID_EXTENSION"}, {0x00000200, "CERT_TRUST_INVALID_POLICY_CONSTRAINTS"},
	{0x00000400, "CERT_TRUST_INVALID_BASIC_CONSTRAINTS"}, {0x00000800, "CERT_TRUST_INVALID_NAME_CONSTRAINTS"},
	{0x00001000, "CERT_TRUST_HAS_NOT_SUPPORTED_NAME_CONSTRAINT"}, {0x00002000, "CERT_TRUST_HAS_NOT_DEFINED_NAME_CONSTRAINT"},
	{0x00004000, "CERT_TRUST_HAS_NOT_PERMITTED_NAME_CONSTRAINT"}, {0x00008000, "CERT_TRUST_HAS_EXCLUDED_NAME_CONSTRAINT"},
	{0x00010000, "CERT_TRUST_IS_PARTIAL_CHAIN"}, {0x00020000, "CERT_TRUST_CTL_IS_NOT_TIME_VALID"},
	{0x00040000, "CERT_TRUST_CTL_IS_NOT_SIGNATURE_VALID"}, {0x00080000, "CERT_TRUST_CTL_IS_NOT_VALID_FOR_USAGE"},
	{0x00100000, "CERT_TRUST_HAS_WEAK_SIGNATURE"}, {0x01000000, "CERT_TRUST_IS_OFFLINE_REVOCATION"},
	{0x02000000, "CERT_TRUST_NO_ISSUANCE_CHAIN_POLICY"}, {0x04000000, "CERT_TRUST_IS_EXPLICIT_DISTRUST"},
	{0x08000000, "CERT_TRUST_HAS_NOT_SUPPORTED_CRITICAL_EXT"},
}

// infoBits names the CERT_TRUST_* info-status bits (wincrypt.h).
var infoBits = []bitName{
	{0x00000001, "CERT_TRUST_HAS_EXACT_MATCH_ISSUER"}, {0x00000002, "CERT_TRUST_HAS_KEY_MATCH_ISSUER"},
	{0x00000004, "CERT_TRUST_HAS_NAME_MATCH_ISSUER"}, {0x00000008, "CERT_TRUST_IS_SELF_SIGNED"},
	{0x00000010, "CERT_TRUST_AUTO_UPDATE_CA_REVOCATION"}, {0x00000020, "CERT_TRUST_AUTO_UPDATE_END_REVOCATION"},
	{0x00000040, "CERT_TRUST_NO_OCSP_FAILOVER_TO_CRL"}, {0x00000080, "CERT_TRUST_IS_KEY_ROLLOVER"},
	{0x00000100, "CERT_TRUST_HAS_PREFERRED_ISSUER"}, {0x00000200, "CERT_TRUST_HAS_ISSUANCE_CHAIN_POLICY"},
	{0x00000400, "CERT_TRUST_HAS_VALID_NAME_CONSTRAINTS"}, {0x00000800, "CERT_TRUST_IS_PEER_TRUSTED"},
	{0x00001000, "CERT_TRUST_HAS_CRL_VALIDITY_EXTENDED"}, {0x00002000, "CERT_TRUST_IS_FROM_EXCLUSIVE_TRUST_STORE"},
	{0x00004000, "CERT_TRUST_IS_CA_TRUSTED"}, {0x00008000, "CERT_TRUST_HAS_AUTO_UPDATE_WEAK_SIGNATURE"},
	{0x00010000, "CERT_TRUST_IS_COMPLEX_CHAIN"}, {0x00020000, "CERT_TRUST_HAS_ALLOW_WEAK_SIGNATURE"},
	{0x00040000, "CERT_TRUST_SSL_HANDSHAKE_OCSP"}, {0x00080000, "CERT_TRUST_SSL_TIME_VALID_OCSP"},
	{0x00100000, "CERT_TRUST_SSL_RECONNECT_OCSP"}, {0x01000000, "CERT_TRUST_SSL_TIME_VALID"},
	{0x02000000, "CERT_TRUST_NO_TIME_CHECK"},
}

// chainFlagBits names the CertGetCertificateChain and policy flags this
// package sets.
var chainFlagBits = []bitName{
	{chainCacheOnlyURLRetrieval, "CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL"}, {chainReturnLowerQuality, "CERT_CHAIN_RETURN_LOWER_QUALITY_CONTEXTS"},
	{chainDisableAuthRootAutoUpdate, "CERT_CHAIN_DISABLE_AUTH_ROOT_AUTO_UPDATE"}, {chainDisableAIA, "CERT_CHAIN_DISABLE_AIA"},
	{chainRevocationAccumulativeTime, "CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT"}, {0x10000000, "CERT_CHAIN_REVOCATION_CHECK_END_CERT"},
	{0x20000000, "CERT_CHAIN_REVOCATION_CHECK_CHAIN"}, {chainRevocationCheckExcludeRoot, "CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT"},
	{chainRevocationCheckCacheOnly, "CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY"},
}

var policyFlagBits = []bitName{
	{policyIgnoreEndRevUnknown, "CERT_CHAIN_POLICY_IGNORE_END_REV_UNKNOWN_FLAG"},
	{policyIgnoreCTLSignerRevUnknown, "CERT_CHAIN_POLICY_IGNORE_CTL_SIGNER_REV_UNKNOWN_FLAG"},
	{policyIgnoreCARevUnknown, "CERT_CHAIN_POLICY_IGNORE_CA_REV_UNKNOWN_FLAG"},
	{policyIgnoreRootRevUnknown, "CERT_CHAIN_POLICY_IGNORE_ROOT_REV_UNKNOWN_FLAG"},
}

func errorBitNames(bits uint32) string { return bitNames(bits, errorBits) }
func infoBitNames(bits uint32) string  { return bitNames(bits, infoBits) }

// bitNames lists the names of the bits set in v, "|"-separated; bits
// without a name are shown in hex, so nothing Windows adds later is lost.
func bitNames(v uint32, names []bitName) string {
	var out []string
	for _, n := range names {
		if v&n.bit != 0 {
			out = append(out, n.name)
			v &^= n.bit
		}
	}
	if v != 0 {
		out = append(out, fmt.Sprintf("0x%08X", v))
	}
	return strings.Join(out, "|")
}

// params writes the flags one verification asks for.
func (t *tracer) params(engine string, p chainParams) {
	if t == nil {
		return
	}
	pol := "CERT_CHAIN_POLICY_SSL"
	if p.Policy == policyBase {
		pol = "CERT_CHAIN_POLICY_BASE"
	}
	t.printf("%s engine: flags=[%s] policy=%s policyFlags=[%s] authType=%d usage=%q urlTimeout=%dms",
		engine, bitNames(p.Flags, chainFlagBits), pol, bitNames(p.PolicyFlags, policyFlagBits), p.AuthType, p.UsageOID, p.TimeoutMillis())
}
