package windows

import (
	"crypto/x509"
	"errors"
	"fmt"
	"unsafe"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/windows/internal/win32"
)

// exclusiveRoots returns a store whose chain engine trusts exactly roots
// and none of the system's (the OS default engine is never asked): the
// Disallowed stores still apply. It isolates the conformance table from
// the machine's roots; programs use WithRoots.
func exclusiveRoots(roots ...*x509.Certificate) (*Store, error) {
	s := &Store{name: fmt.Sprintf("Windows chain engine with exactly %d roots", len(roots)), extra: append([]*x509.Certificate(nil), roots...), exclusive: true}
	if err := s.buildEngine(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) keep(h syswin.Handle) { s.handles = append(s.handles, uintptr(h)) }

func (s *Store) buildEngine() error {
	roots, err := win32.CertOpenCollectionStore()
	if err != nil {
		return engineErr("CertOpenStore(CERT_STORE_PROV_COLLECTION)", err)
	}
	s.keep(roots)
	mem, err := win32.CertOpenMemoryStore()
	if err != nil {
		return engineErr("CertOpenStore(CERT_STORE_PROV_MEMORY)", err)
	}
	s.keep(mem)
	for _, c := range s.extra {
		if err := addContext(mem, c); err != nil {
			return engineErr(fmt.Sprintf("adding root %q", c.Subject), err)
		}
	}
	if err := win32.CertAddStoreToCollection(roots, mem); err != nil {
		return engineErr("CertAddStoreToCollection", err)
	}
	for _, st := range anchorStores {
		if st.distrusted || s.exclusive {
			continue
		}
		h, err := openStore(st.loc, st.name, true)
		if err != nil {
			continue // a missing AuthRoot, say, only means fewer roots
		}
		s.keep(h)
		if err := win32.CertAddStoreToCollection(roots, h); err != nil {
			return engineErr("CertAddStoreToCollection", err)
		}
	}
	eng, caAnchors, err := createEngine(roots)
	if err != nil {
		return engineErr("CertCreateCertificateChainEngine", err)
	}
	s.caAnchors = caAnchors
	s.engine = uintptr(eng)
	return nil
}

// createEngine creates the WithRoots chain engine over roots. It asks for
// the Windows 8 layout of CERT_CHAIN_ENGINE_CONFIG with dwExclusiveFlags =
// CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG, so that a CA certificate (an
// intermediate) in the exclusive root store is an anchor too; an OS that
// rejects that size (Windows 7, Wine) gets the Windows 7 layout, where only
// self-signed certificates are anchors, and caAnchors is false.
func createEngine(roots syswin.Handle) (eng syswin.Handle, caAnchors bool, err error) {
	// dwUrlRetrievalTimeout bounds this engine's AIA fetching too.
	cfg := win32.CertChainEngineConfig{
		ExclusiveRoot:       roots,
		URLRetrievalTimeout: uint32(URLRetrievalTimeout.Milliseconds()),
		ExclusiveFlags:      win32.CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG,
	}
	cfg.Size = uint32(unsafe.Sizeof(cfg))
	eng, err = win32.CertCreateCertificateChainEngine(&cfg)
	if err == nil {
		return eng, true, nil
	}
	// The Windows 7 layout ends before dwExclusiveFlags.
	cfg.Size, cfg.ExclusiveFlags = uint32(unsafe.Offsetof(cfg.ExclusiveFlags)), 0
	eng, err2 := win32.CertCreateCertificateChainEngine(&cfg)
	if err2 != nil {
		return 0, false, errors.Join(err, err2)
	}
	return eng, false, nil
}

func addContext(store syswin.Handle, c *x509.Certificate) error {
	cc, err := win32.CertCreateCertificateContext(c.Raw)
	if err != nil {
		return err
	}
	defer win32.CertFreeCertificateContext(cc)
	return win32.CertAddCertificateContextToStore(store, cc, syswin.CERT_STORE_ADD_USE_EXISTING)
}

func engineErr(api string, err error) error {
	return &EngineError{API: api, Code: errCode(err), Err: err}
}

// freeEngine frees the chain engine and its root stores; s.mu is held.
func (s *Store) freeEngine() error {
	if s.engine != 0 {
		win32.CertFreeCertificateChainEngine(syswin.Handle(s.engine))
		s.engine = 0
	}
	var errs []error
	for i := len(s.handles) - 1; i >= 0; i-- {
		if err := win32.CertCloseStore(syswin.Handle(s.handles[i])); err != nil {
			errs = append(errs, err)
		}
	}
	s.handles = nil
	return errors.Join(errs...)
}
