package windows

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"syscall"
	"unsafe"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows/internal/win32"
)

// System returns the Windows system trust store: every verification asks
// the CryptoAPI chain engine of the current user (HCCE_CURRENT_USER) and
// the SSL chain policy, see the package documentation. The value is a
// *Store; it holds no native handle, so Close is optional.
func System() (trust.TrustStore, error) {
	return &Store{name: "Windows system trust (CryptoAPI)"}, nil
}

// Verify implements trust.TrustStore: CertGetCertificateChain over an
// in-memory store holding chain[1:], then CertVerifyCertificateChainPolicy.
// A store made by WithRoots asks the OS default engine first and, only if
// that finds no trusted root, its own engine with the extra roots. The
// Disallowed stores are checked on every chain the engine accepts.
func (s *Store) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, &trust.VerificationError{Reason: trust.ReasonMalformed, Depth: -1, Host: opts.ServerName,
			Detail: "the peer presented no certificate", Backend: backendName}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, errors.New("windows: the trust store is closed")
	}
	p := ChainFlags(ctx, opts)
	built, err := verifyWithEngine(0, chain, opts, p)
	if err != nil && s.engine != 0 && isUntrustedRoot(err) {
		built, err = verifyWithEngine(syswin.Handle(s.engine), chain, opts, p)
	}
	if err != nil {
		return nil, err
	}
	if ve := depthError(chain, built, opts); ve != nil {
		return nil, ve
	}
	d, derr := loadDistrust()
	if derr != nil {
		return nil, chainBuildError(chain, opts, "opening the Disallowed store", errCode(derr), derr)
	}
	if ve := d.check(chain, built, opts); ve != nil {
		return nil, ve
	}
	return [][]*x509.Certificate{built}, nil
}

func isUntrustedRoot(err error) bool {
	var ve *trust.VerificationError
	return errors.As(err, &ve) && (ve.Reason == trust.ReasonUnknownAuthority || ve.Reason == trust.ReasonMissingIntermediate)
}

// verifyWithEngine builds and checks one chain with engine (0: default).
func verifyWithEngine(engine syswin.Handle, chain []*x509.Certificate, opts trust.VerifyOptions, p ChainParams) ([]*x509.Certificate, error) {
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
	if p.UsageOID != "" {
		oid := append([]byte(p.UsageOID), 0)
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
	if err != nil {
		return nil, chainBuildError(chain, opts, "CertGetCertificateChain", errCode(err), err)
	}
	defer win32.CertFreeCertificateChain(cc)
	built, err := copyChain(cc, chain)
	if err != nil {
		return nil, chainBuildError(chain, opts, "reading the built chain", 0, err)
	}
	code, elem, err := checkPolicy(cc, opts, p)
	if err != nil {
		return nil, chainBuildError(chain, opts, "CertVerifyCertificateChainPolicy", errCode(err), err)
	}
	softFail := p.PolicyFlags&policyIgnoreAllRevUnknown != 0
	if code != 0 && !(softFail && isRevUnknownCode(code)) {
		return nil, policyError(chain, built, code, elem, opts)
	}
	if ve := checkName(chain, built, opts, p); ve != nil {
		return nil, ve
	}
	if ve := checkIssuerUsage(chain, built, opts, p); ve != nil {
		return nil, ve
	}
	if rc, bit := residualStatus(cc.TrustStatus.ErrorStatus, p.PolicyFlags); rc != 0 {
		ve := policyError(chain, built, rc, -1, opts)
		ve.Err = fmt.Errorf("the chain engine reported %s, which the chain policy did not turn into an error", bit)
		return nil, ve
	}
	return built.Certs, nil
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
	}
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
func checkPolicy(cc *syswin.CertChainContext, opts trust.VerifyOptions, p ChainParams) (uint32, int, error) {
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
	if err := win32.CertVerifyCertificateChainPolicy(p.Policy, cc, &para, &st); err != nil {
		return 0, 0, err
	}
	return st.Error, int(int32(st.ElementIndex)), nil
}

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
