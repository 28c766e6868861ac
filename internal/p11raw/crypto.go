package p11raw

// Mechanism is a CK_MECHANISM: the mechanism type and its parameter.
type Mechanism struct {
	Mechanism uint
	Parameter []byte      // encoded parameter (also PSS params)
	oaep      *OAEPParams // encoded at call time (it holds a pointer)
}

// PSSParams is CK_RSA_PKCS_PSS_PARAMS.
type PSSParams struct{ HashAlg, MGF, SaltLength uint }

// OAEPParams is CK_RSA_PKCS_OAEP_PARAMS.
type OAEPParams struct {
	HashAlg, MGF, SourceType uint
	SourceData               []byte
}

// NewPSSParams returns CK_RSA_PKCS_PSS_PARAMS.
func NewPSSParams(hashAlg, mgf, saltLength uint) *PSSParams {
	return &PSSParams{hashAlg, mgf, saltLength}
}

// NewOAEPParams returns CK_RSA_PKCS_OAEP_PARAMS.
func NewOAEPParams(hashAlg, mgf, sourceType uint, sourceData []byte) *OAEPParams {
	return &OAEPParams{hashAlg, mgf, sourceType, sourceData}
}

// NewMechanism returns a mechanism with parameter x: nil, []byte,
// *PSSParams or *OAEPParams.
func NewMechanism(mech uint, x any) *Mechanism {
	m := &Mechanism{Mechanism: mech}
	switch p := x.(type) {
	case []byte:
		m.Parameter = p
	case *PSSParams:
		l := lay.pssParams
		m.Parameter = make([]byte, l.size)
		putU(m.Parameter, l.off[0], p.HashAlg)
		putU(m.Parameter, l.off[1], p.MGF)
		putU(m.Parameter, l.off[2], p.SaltLength)
	case *OAEPParams:
		m.oaep = p
	}
	return m
}

// mechanism encodes m as a pinned CK_MECHANISM.
func (a *arena) mechanism(m *Mechanism) uintptr {
	l := lay.mechanism
	b := a.alloc(l.size)
	putU(b, l.off[0], m.Mechanism)
	param := m.Parameter
	if o := m.oaep; o != nil {
		ol := lay.oaepParams
		param = a.alloc(ol.size)
		putU(param, ol.off[0], o.HashAlg)
		putU(param, ol.off[1], o.MGF)
		putU(param, ol.off[2], o.SourceType)
		putP(param, ol.off[3], a.addr(o.SourceData))
		putU(param, ol.off[4], uint(len(o.SourceData)))
	}
	putP(b, l.off[1], a.addr(param))
	putU(b, l.off[2], uint(len(param)))
	return a.addr(b)
}

func (c *Ctx) opInit(fn int, sh SessionHandle, m []*Mechanism, key ObjectHandle) error {
	if len(m) != 1 {
		return Error(CKR_ARGUMENTS_BAD)
	}
	var a arena
	defer a.release()
	return c.call(fn, uintptr(sh), a.mechanism(m[0]), uintptr(key))
}

// output runs a single-part call that returns bytes (C_Sign, C_Decrypt,
// C_SignFinal): with size > 0 it first offers a buffer of that size, else
// it asks for the length (NULL output) and then fills a buffer of it.
// CKR_BUFFER_TOO_SMALL leaves the operation active (PKCS#11 5.2), so it
// is retried with the length the module reported.
func (c *Ctx) output(fn int, sh SessionHandle, in []byte, size int, hasIn bool) ([]byte, error) {
	var a arena
	defer a.release()
	inp := a.addr(in)
	nb, np := a.ulong(uint(size))
	args := func(out uintptr) []uintptr {
		if hasIn {
			return []uintptr{uintptr(sh), inp, uintptr(len(in)), out, np}
		}
		return []uintptr{uintptr(sh), out, np}
	}
	if size <= 0 {
		if err := c.call(fn, args(0)...); err != nil {
			return nil, err
		}
	}
	for range 4 {
		n := getU(nb, 0)
		if n > 1<<24 {
			return nil, Error(CKR_DEVICE_MEMORY)
		}
		out := make([]byte, max(n, 1))
		err := c.call(fn, args(a.addr(out))...)
		if err == Error(CKR_BUFFER_TOO_SMALL) && getU(nb, 0) > n {
			continue
		}
		if err != nil {
			return nil, err
		}
		return out[:min(getU(nb, 0), n)], nil
	}
	return nil, Error(CKR_BUFFER_TOO_SMALL)
}

// SignInit calls C_SignInit with the one mechanism in m.
func (c *Ctx) SignInit(sh SessionHandle, m []*Mechanism, key ObjectHandle) error {
	return c.opInit(fnSignInit, sh, m, key)
}

// Sign calls C_Sign (two-pass).
func (c *Ctx) Sign(sh SessionHandle, data []byte) ([]byte, error) {
	return c.output(fnSign, sh, data, 0, true)
}

// SignSized calls C_Sign once with a size-byte output buffer (the key's
// signature size), and again only if the module says it is too small.
func (c *Ctx) SignSized(sh SessionHandle, data []byte, size int) ([]byte, error) {
	return c.output(fnSign, sh, data, size, true)
}

// SignUpdate calls C_SignUpdate.
func (c *Ctx) SignUpdate(sh SessionHandle, data []byte) error {
	var a arena
	defer a.release()
	return c.call(fnSignUpdate, uintptr(sh), a.addr(data), uintptr(len(data)))
}

// SignFinal calls C_SignFinal (two-pass).
func (c *Ctx) SignFinal(sh SessionHandle) ([]byte, error) {
	return c.output(fnSignFinal, sh, nil, 0, false)
}

// VerifyInit calls C_VerifyInit.
func (c *Ctx) VerifyInit(sh SessionHandle, m []*Mechanism, key ObjectHandle) error {
	return c.opInit(fnVerifyInit, sh, m, key)
}

// Verify calls C_Verify.
func (c *Ctx) Verify(sh SessionHandle, data, sig []byte) error {
	var a arena
	defer a.release()
	return c.call(fnVerify, uintptr(sh), a.addr(data), uintptr(len(data)), a.addr(sig), uintptr(len(sig)))
}

// DecryptInit calls C_DecryptInit.
func (c *Ctx) DecryptInit(sh SessionHandle, m []*Mechanism, key ObjectHandle) error {
	return c.opInit(fnDecryptInit, sh, m, key)
}

// Decrypt calls C_Decrypt (two-pass).
func (c *Ctx) Decrypt(sh SessionHandle, data []byte) ([]byte, error) {
	return c.output(fnDecrypt, sh, data, 0, true)
}

// GenerateKeyPair calls C_GenerateKeyPair.
func (c *Ctx) GenerateKeyPair(sh SessionHandle, m []*Mechanism, pub, priv []*Attribute) (ObjectHandle, ObjectHandle, error) {
	if len(m) != 1 {
		return 0, 0, Error(CKR_ARGUMENTS_BAD)
	}
	var a arena
	defer a.release()
	_, pp := a.template(pub, false)
	_, sp := a.template(priv, false)
	pb, ph := a.ulong(0)
	sb, shp := a.ulong(0)
	err := c.call(fnGenerateKeyPair, uintptr(sh), a.mechanism(m[0]), pp, uintptr(len(pub)), sp, uintptr(len(priv)), ph, shp)
	if err != nil {
		return 0, 0, err
	}
	return ObjectHandle(getU(pb, 0)), ObjectHandle(getU(sb, 0)), nil
}
