package windows

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows/internal/win32"
)

// verify is Verify after its checks, with s.mu held for reading.
func (s *Store) verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	p := chainFlags(ctx, opts)
	tr := newTracer()
	tr.printf("verify %q for %q (usage %v, revocation %v), %d certificates presented", chain[0].Subject.String(), opts.ServerName, opts.Usage, opts.Revocation, len(chain))
	var built []*x509.Certificate
	var bits uint32
	var err error
	if s.exclusive {
		tr.params("exclusive", p)
		built, _, err = verifyWithEngine(syswin.Handle(s.engine), chain, opts, p, tr)
	} else {
		tr.params("default", p)
		built, bits, err = verifyWithEngine(0, chain, opts, p, tr)
	}
	if err != nil && !s.exclusive && s.engine != 0 && needsExtraRoots(bits) {
		tr.printf("fallback: the default engine's chain has [%s]; asking the WithRoots engine", errorBitNames(bits&(trustIsUntrustedRoot|trustIsPartialChain)))
		built, _, err = verifyWithEngine(syswin.Handle(s.engine), chain, opts, p, tr)
	}
	if err == nil {
		err = s.checkDistrust(chain, built, opts)
	}
	tr.printf("verdict: %v", errOrOK(err))
	if err != nil {
		return nil, err
	}
	return [][]*x509.Certificate{built}, nil
}

// checkDistrust applies the Disallowed stores. (Max depth, the profile
// checks and explicit CRLs are trust.Verifier's, for every store.)
func (s *Store) checkDistrust(chain, built []*x509.Certificate, opts trust.VerifyOptions) error {
	d, derr := loadDistrust()
	if derr != nil {
		return chainBuildError(chain, opts, "opening the Disallowed store", errCode(derr), derr)
	}
	if ve := d.check(chain, built, opts); ve != nil {
		return ve
	}
	return nil
}

func errOrOK(err error) any {
	if err == nil {
		return "accepted"
	}
	return err
}

// verifyWithEngine builds the chains for one verification with engine (0:
// the default) and returns the first that every check accepts. It also
// returns the best chain's error-status bits, which decide the WithRoots
// fallback.
func verifyWithEngine(engine syswin.Handle, chain []*x509.Certificate, opts trust.VerifyOptions, p chainParams, tr *tracer) ([]*x509.Certificate, uint32, error) {
	cc, err := buildChain(engine, chain, opts, p)
	if err != nil {
		tr.printf("CertGetCertificateChain failed: %v", err)
		return nil, 0, err
	}
	defer win32.CertFreeCertificateChain(cc)
	label := "default"
	if engine != 0 {
		label = "WithRoots"
	}
	// LowerQualityChains points to LowerQualityChainCount chain contexts
	// owned by cc, which is freed only when this function returns.
	candidates := []*syswin.CertChainContext{cc}
	if cc.LowerQualityChainCount > 0 && cc.LowerQualityChains != nil {
		candidates = append(candidates, unsafe.Slice(cc.LowerQualityChains, cc.LowerQualityChainCount)...)
	}
	var certs []*x509.Certificate
	_, err = firstAccepted(len(candidates), func(i int) error {
		name := fmt.Sprintf("%s engine chain %d of %d", label, i+1, len(candidates))
		var derr error
		certs, derr = decideChain(candidates[i], chain, opts, p, tr, name)
		return derr
	})
	if err != nil {
		return nil, cc.TrustStatus.ErrorStatus, err
	}
	return certs, cc.TrustStatus.ErrorStatus, nil
}

// buildChain runs CertGetCertificateChain for the presented chain.
func buildChain(engine syswin.Handle, chain []*x509.Certificate, opts trust.VerifyOptions, p chainParams) (*syswin.CertChainContext, error) {
	leaf, pool, err := presentedContexts(chain, opts)
	if err != nil {
		return nil, err
	}
	defer win32.CertFreeCertificateContext(leaf)
	defer win32.CertCloseStore(pool)

	var para syswin.CertChainPara
	para.Size = uint32(unsafe.Sizeof(para))
	para.URLRetrievalTimeout = p.TimeoutMillis()
	var oids [1]*byte
	var oid []byte
	if p.UsageOID != "" {
		oid = append([]byte(p.UsageOID), 0)
		oids[0] = &oid[0]
		para.RequestedUsage.Type = syswin.USAGE_MATCH_TYPE_AND
		para.RequestedUsage.Usage.Length = 1
		para.RequestedUsage.Usage.UsageIdentifiers = &oids[0]
	}
	var ft *syswin.Filetime
	if !opts.Time.IsZero() {
		f := syswin.NsecToFiletime(opts.Time.UnixNano())
		ft = &f
	}
	cc, err := win32.CertGetCertificateChain(engine, leaf, ft, pool, &para, p.Flags)
	// para points at oids, which points at oid: keep all of them alive
	// until the call has returned.
	runtime.KeepAlive(oids)
	runtime.KeepAlive(oid)
	if err != nil {
		return nil, chainBuildError(chain, opts, "CertGetCertificateChain", errCode(err), err)
	}
	return cc, nil
}

// decideChain runs the chain policy and this package's checks on one chain
// context; it returns the chain's certificates if all accept it.
func decideChain(cc *syswin.CertChainContext, chain []*x509.Certificate, opts trust.VerifyOptions, p chainParams, tr *tracer, name string) ([]*x509.Certificate, error) {
	built, err := copyChain(cc, chain)
	if err != nil {
		return nil, chainBuildError(chain, opts, "reading the built chain", 0, err)
	}
	tr.chain(name, built)
	code, elem, err := checkPolicy(cc, opts, p)
	if err != nil {
		return nil, chainBuildError(chain, opts, "CertVerifyCertificateChainPolicy", errCode(err), err)
	}
	tr.printf("%s: policy returned %s (element %d)", name, policyCodeName(code), elem)
	if code != 0 && !(isRevUnknownCode(code) && revUnknownExcused(built.Bits, p.PolicyFlags)) {
		return nil, policyError(chain, built, code, elem, opts)
	}
	if ve := checkName(chain, built, opts, p); ve != nil {
		return nil, ve
	}
	if ve := checkIssuerUsage(chain, built, opts, p); ve != nil {
		return nil, ve
	}
	if ve := checkECDSASignatures(chain, built, opts); ve != nil {
		return nil, ve
	}
	if rc, bit := residualStatus(built.ChainBits, built.Bits, p.PolicyFlags); rc != 0 {
		ve := policyError(chain, built, rc, -1, opts)
		ve.Err = fmt.Errorf("the chain engine reported %s, which the chain policy did not turn into an error", bit)
		return nil, ve
	}
	return built.Certs, nil
}

func policyCodeName(code uint32) string {
	if code == 0 {
		return "0 (accepted)"
	}
	return statusCodeName(code)
}

// presentedContexts makes the leaf's context and an in-memory store with
// the other presented certificates; the stapled OCSP response, if any, is
// attached to the leaf.
func presentedContexts(chain []*x509.Certificate, opts trust.VerifyOptions) (*syswin.CertContext, syswin.Handle, error) {
	leaf, err := win32.CertCreateCertificateContext(chain[0].Raw)
	if err != nil {
		return nil, 0, malformedAt(chain, 0, opts, err)
	}
	pool, err := win32.CertOpenMemoryStore()
	if err != nil {
		win32.CertFreeCertificateContext(leaf)
		return nil, 0, chainBuildError(chain, opts, "CertOpenStore(CERT_STORE_PROV_MEMORY)", errCode(err), err)
	}
	for i, c := range chain[1:] {
		cc, err := win32.CertCreateCertificateContext(c.Raw)
		if err != nil {
			win32.CertFreeCertificateContext(leaf)
			win32.CertCloseStore(pool)
			return nil, 0, malformedAt(chain, i+1, opts, err)
		}
		err = win32.CertAddCertificateContextToStore(pool, cc, syswin.CERT_STORE_ADD_ALWAYS)
		win32.CertFreeCertificateContext(cc)
		if err != nil {
			win32.CertFreeCertificateContext(leaf)
			win32.CertCloseStore(pool)
			return nil, 0, chainBuildError(chain, opts, "CertAddCertificateContextToStore", errCode(err), err)
		}
	}
	if len(opts.OCSPResponse) > 0 {
		// A response the engine cannot use simply leaves the status
		// unknown, which the revocation policy then judges.
		_ = win32.CertSetCertificateContextProperty(leaf, win32.CERT_OCSP_RESPONSE_PROP_ID, opts.OCSPResponse)
	}
	return leaf, pool, nil
}

func malformedAt(chain []*x509.Certificate, i int, opts trust.VerifyOptions, err error) error {
	return &trust.VerificationError{Reason: trust.ReasonMalformed, Certificate: chain[i], Depth: i,
		Host: opts.ServerName, Time: opts.Time, IntermediatesSent: len(chain) - 1, Backend: backendName,
		PlatformCode: int64(errCode(err)), PlatformCodeName: codeName(errCode(err)),
		Detail: "Windows cannot decode it (CertCreateCertificateContext: " + err.Error() + ")", Err: err}
}

// copyChain copies the first simple chain out of cc, reusing the presented
// *x509.Certificate values where the engine used them.
func copyChain(cc *syswin.CertChainContext, presented []*x509.Certificate) (builtChain, error) {
	var b builtChain
	if cc.ChainCount == 0 || cc.Chains == nil {
		return b, errors.New("the chain engine returned no chain")
	}
	// Chains points to ChainCount simple-chain pointers owned by cc, which
	// the caller keeps alive until after this function returns.
	simple := unsafe.Slice(cc.Chains, cc.ChainCount)[0]
	if simple.NumElements == 0 {
		return b, errors.New("the chain engine returned an empty chain")
	}
	// Elements points to NumElements element pointers owned by cc.
	for _, el := range unsafe.Slice(simple.Elements, simple.NumElements) {
		der := win32.CertContextBytes(el.CertContext)
		c := findRaw(presented, der)
		if c == nil {
			var err error
			if c, err = x509.ParseCertificate(der); err != nil {
				return b, err
			}
		}
		b.Certs = append(b.Certs, c)
		b.Bits = append(b.Bits, el.TrustStatus.ErrorStatus)
		b.Info = append(b.Info, el.TrustStatus.InfoStatus)
		b.Rev = append(b.Rev, revocationResult(el.RevocationInfo))
	}
	b.ChainBits, b.ChainInfo = cc.TrustStatus.ErrorStatus, cc.TrustStatus.InfoStatus
	return b, nil
}

func findRaw(certs []*x509.Certificate, der []byte) *x509.Certificate {
	for _, c := range certs {
		if string(c.Raw) == string(der) {
			return c
		}
	}
	return nil
}

// checkPolicy runs the SSL (or base) chain policy; it returns the policy's
// status code (0: accepted) and the element index it names.
func checkPolicy(cc *syswin.CertChainContext, opts trust.VerifyOptions, p chainParams) (uint32, int, error) {
	para := syswin.CertChainPolicyPara{Flags: p.PolicyFlags}
	para.Size = uint32(unsafe.Sizeof(para))
	var ssl syswin.SSLExtraCertChainPolicyPara
	if p.Policy == policySSL {
		ssl.Size = uint32(unsafe.Sizeof(ssl))
		ssl.AuthType = p.AuthType
		if name := policyServerName(opts.ServerName); name != "" && p.AuthType == authTypeServer {
			ptr, err := syswin.UTF16PtrFromString(name)
			if err != nil {
				return 0, 0, err
			}
			ssl.ServerName = ptr
		}
		// ssl lives on this frame for the whole call; the policy only reads it.
		para.ExtraPolicyPara = (syswin.Pointer)(unsafe.Pointer(&ssl))
	}
	var st syswin.CertChainPolicyStatus
	st.Size = uint32(unsafe.Sizeof(st))
	err := win32.CertVerifyCertificateChainPolicy(p.Policy, cc, &para, &st)
	// para points at ssl, which points at the server name.
	runtime.KeepAlive(&ssl)
	if err != nil {
		return 0, 0, err
	}
	return st.Error, int(int32(st.ElementIndex)), nil
}

// revocationResult describes an element's CERT_REVOCATION_INFO for the
// trace: the result code and the revocation method's OID; "" if the engine
// did not check the element.
func revocationResult(ri *syswin.CertRevocationInfo) string {
	if ri == nil {
		return ""
	}
	// pszRevocationOid is a string, or a small integer such as
	// REVOCATION_OID_CRL_REVOCATION ((LPCSTR)1) that must not be read.
	oid := fmt.Sprint(uintptr(unsafe.Pointer(ri.RevocationOid)))
	if uintptr(unsafe.Pointer(ri.RevocationOid)) >= 0x10000 {
		oid = syswin.BytePtrToString(ri.RevocationOid)
	}
	return fmt.Sprintf("%s(oid %s)", policyCodeName(ri.RevocationResult), oid)
}

// available reports nil: this is Windows.
func available() error { return nil }

// errCode extracts the Windows code of an error from x/sys or win32.
func errCode(err error) uint32 {
	var en syscall.Errno
	if errors.As(err, &en) {
		return uint32(en)
	}
	var ss win32.SecurityStatus
	if errors.As(err, &ss) {
		return uint32(ss)
	}
	return 0
}
