package pkcs11

import (
	"context"
	"errors"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// needsLogin reports whether the token wants C_Login before private
// objects can be used.
func (t *token) needsLogin() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.info.Flags&p11.CKF_LOGIN_REQUIRED != 0
}

// ensureLogin logs the application in (PKCS#11 logins are per
// application, so one login covers every session) unless the session
// already is. Logins are serialized, so the PIN source is asked once even
// when many sessions open at once. A rejected PIN is remembered and never
// tried again.
func (t *token) ensureLogin(sh p11.SessionHandle) error {
	if !t.needsLogin() {
		return nil
	}
	loggedIn := func() (bool, error) {
		si, err := t.ctx.GetSessionInfo(sh)
		if err != nil {
			return false, t.err("C_GetSessionInfo", err, "")
		}
		return si.State == p11.CKS_RO_USER_FUNCTIONS || si.State == p11.CKS_RW_USER_FUNCTIONS, nil
	}
	if ok, err := loggedIn(); ok || err != nil {
		return err
	}
	t.loginMu.Lock()
	defer t.loginMu.Unlock()
	if t.pinErr != nil {
		return t.pinErr
	}
	if ok, err := loggedIn(); ok || err != nil { // another session logged in meanwhile
		return err
	}
	pin, err := t.pinLocked()
	if err != nil {
		return err
	}
	err = t.ctx.Login(sh, p11.CKU_USER, pin)
	switch code := ckrCode(err); code {
	case ckrOK, ckrUserAlreadyLoggedIn:
		t.pin, t.havePIN = pin, true
		return nil
	case ckrPINIncorrect, ckrPINLocked, 0xA1 /* CKR_PIN_INVALID */, 0xA2 /* CKR_PIN_LEN_RANGE */, 0xA3 /* CKR_PIN_EXPIRED */ :
		t.pinErr = t.err("C_Login", err, "")
		return t.pinErr
	}
	return t.err("C_Login", err, "")
}

// getPIN returns the remembered PIN or asks the configured source.
func (t *token) getPIN() (string, error) {
	t.loginMu.Lock()
	defer t.loginMu.Unlock()
	if t.pinErr != nil {
		return "", t.pinErr
	}
	return t.pinLocked()
}

// pinLocked is getPIN with loginMu held.
func (t *token) pinLocked() (string, error) {
	if t.havePIN {
		return t.pin, nil
	}
	var err error
	for _, src := range t.pinSources {
		var pin string
		if pin, err = pinFor(context.Background(), src.uri, src.opts, t.label()); err == nil {
			return pin, nil
		}
		if !errors.Is(err, ErrPINRequired) {
			return "", err
		}
	}
	return "", err
}

// contextLogin performs the CKU_CONTEXT_SPECIFIC login a
// CKA_ALWAYS_AUTHENTICATE key needs after each C_SignInit/C_DecryptInit.
func (t *token) contextLogin(sh p11.SessionHandle, object string) error {
	pin, err := t.getPIN()
	if err != nil {
		return err
	}
	err = t.ctx.Login(sh, p11.CKU_CONTEXT_SPECIFIC, pin)
	switch ckrCode(err) {
	case ckrOK:
		return nil
	case ckrPINIncorrect, ckrPINLocked:
		t.loginMu.Lock()
		t.pinErr = t.err("C_Login(CKU_CONTEXT_SPECIFIC)", err, object)
		t.loginMu.Unlock()
		return t.pinErr
	}
	return t.err("C_Login(CKU_CONTEXT_SPECIFIC)", err, object)
}
