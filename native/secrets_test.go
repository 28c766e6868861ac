package native

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// planted is the secret the tests of issue 13 items 4-5 hide in URIs and
// password sources; no message may show it.
const planted = "TOPSECRET4242"

// secretURIs carry planted in every place a URI can hold a secret.
// (pkcs11: URIs name a module that does not exist, so the host's tokens
// are never touched; the CLI test runs the same against SoftHSM.)
var secretURIs = []string{
	"pkcs11:token=nosuch;object=k?module-path=/nonexistent/p11.so&pin-value=" + planted,
	"pkcs11:token=nosuch;pin-value=" + planted + ";object=k?module-path=/nonexistent/p11.so",
	"pkcs11:token=nosuch?pin-value=%54OPSECRET4242&module-path=/nonexistent/p11.so", // percent-encoded T
	"pkcs11:token=nosuch?module-name=nosuch&pin-value=" + planted,
	"pkcs11:token=nosuch?module-path=/nonexistent/p11.so&pin-source=pass:" + planted,
	"pkcs11:token=nosuch?module-path=/nonexistent/p11.so&PIN-VALUE=" + planted,
	"capi:store=My;subject=x?pin-value=" + planted,
	"mackms:label=x?pin-value=" + planted,
	"file:///nonexistent/key.pem?pin-value=" + planted,
	"file://user:" + planted + "@host/nonexistent.pem",
	"/nonexistent/key.pem;password=" + planted,
	"vault://admin:" + planted + "@vault.example/key",
	"unknown:secret=" + planted,
}

func assertNoSecret(t *testing.T, where string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, planted) || strings.Contains(s, "TOPSECRET") {
			t.Errorf("%s shows the secret: %s", where, s)
		}
	}
}

// errorTexts returns the messages of err and of everything it wraps.
func errorTexts(err error) []string {
	var out []string
	for err != nil {
		out = append(out, err.Error())
		err = errors.Unwrap(err)
	}
	return out
}

func TestLoadErrorsHideSecrets(t *testing.T) {
	for _, uri := range secretURIs {
		check := func(what string, err error) {
			t.Helper()
			if err == nil {
				t.Errorf("%s(%s): no error", what, RedactURI(uri))
				return
			}
			assertNoSecret(t, what+"("+RedactURI(uri)+")", err.Error())
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("%s: %T is not a *LoadError", what, err)
				return
			}
			assertNoSecret(t, what+" LoadError.URI", le.URI)
			assertNoSecret(t, what+" LoadError.Err", le.Err.Error())
		}
		_, err := LoadCertificates(uri)
		check("LoadCertificates", err)
		_, err = LoadPrivateKey(uri)
		check("LoadPrivateKey", err)
		_, err = LoadIdentity(uri)
		check("LoadIdentity", err)
		_, err = LoadIdentity("/nonexistent/cert.pem", WithKey(uri))
		check("LoadIdentity WithKey", err)
		_, err = TrustStore(uri)
		check("TrustStore", err)
		_, err = TrustStore("system+" + uri)
		if err != nil {
			assertNoSecret(t, "TrustStore(system+…)", err.Error())
		}
	}
}

func TestPasswordErrorsHideSecrets(t *testing.T) {
	dir := tempDir(t)
	id := testpki.Root("Secret Test", testpki.Options{})
	plainKey := writeFile(t, dir, "key.pem", id.KeyPEM())
	for _, spec := range []string{
		planted, "PASS:" + planted, "pas:" + planted, "Pass:" + planted,
		planted + ":TOPSECRET", "hunter2:" + planted, "pass" + planted, " pass:" + planted,
	} {
		_, err := PasswordSource(spec)
		if err == nil {
			t.Errorf("PasswordSource accepted a malformed source")
			continue
		}
		for _, s := range errorTexts(err) {
			assertNoSecret(t, "PasswordSource", s)
		}
		_, err = LoadPrivateKey(plainKey, WithPasswordSource(spec))
		if err == nil {
			t.Error("LoadPrivateKey accepted a malformed password source")
			continue
		}
		assertNoSecret(t, "LoadPrivateKey", errorTexts(err)...)
		_, err = LoadIdentity(plainKey, WithPasswordSource(spec))
		assertNoSecret(t, "LoadIdentity", errorTexts(err)...)
	}
}

func TestBarePasswordNamesOnlyFiles(t *testing.T) {
	dir := tempDir(t)
	pinFile := writeFile(t, dir, "pin.txt", []byte("1234\n"))
	_, err := PasswordSource(pinFile)
	if !errors.Is(err, ErrBarePassword) || !strings.Contains(err.Error(), "file:"+pinFile) || !strings.Contains(err.Error(), "pass:PIN") {
		t.Errorf("bare existing file: %v; want ErrBarePassword suggesting file:%s and pass:PIN", err, pinFile)
	}
	_, err = PasswordSource("1234")
	if !errors.Is(err, ErrBarePassword) || strings.Contains(err.Error(), "1234") ||
		!strings.Contains(err.Error(), "file:/path/pin.txt") || !strings.Contains(err.Error(), "pass:PIN") {
		t.Errorf("bare value: %v", err)
	}
	_, err = PasswordSource("PASS:x1234")
	if !errors.Is(err, ErrUnknownPasswordForm) || !strings.Contains(err.Error(), "lowercase") || strings.Contains(err.Error(), "x1234") {
		t.Errorf("PASS: %v", err)
	}
}

// TestWrongPasswordHidesIt: an encrypted key with a wrong pass: password.
func TestWrongPasswordHidesIt(t *testing.T) {
	dir := tempDir(t)
	p12 := writeFile(t, dir, "id.p12", []byte("not a PKCS#12 bundle"))
	_, err := LoadIdentity(p12, WithPasswordSource("pass:"+planted))
	if err == nil {
		t.Fatal("garbage PKCS#12 accepted")
	}
	assertNoSecret(t, "LoadIdentity(p12)", errorTexts(err)...)
	os.Setenv("NATIVETLS_TEST_SECRET_PW", planted)
	defer os.Unsetenv("NATIVETLS_TEST_SECRET_PW")
	_, err = LoadIdentity(filepath.Join(dir, "id.p12"), WithPasswordSource("env:NATIVETLS_TEST_SECRET_PW"))
	assertNoSecret(t, "LoadIdentity(p12, env)", errorTexts(err)...)
}

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"pkcs11:token=a;object=k?pin-value=1234":              "pkcs11:token=a;object=k?pin-value=***",
		"pkcs11:pin-value=1234;token=a":                       "pkcs11:pin-value=***;token=a",
		"pkcs11:token=a?pin-source=pass:1234":                 "pkcs11:token=a?pin-source=pass:***",
		"pkcs11:token=a?pin-source=file:/etc/pin":             "pkcs11:token=a?pin-source=file:/etc/pin",
		"https://user:pw@host/p?x=1":                          "https://user:***@host/p?x=1",
		"https://user@host/p":                                 "https://user@host/p",
		"capi:store=My;thumbprint=ab?password=x&module-path=": "capi:store=My;thumbprint=ab?password=***&module-path=",
		"/etc/ssl/cert.pem":                                   "/etc/ssl/cert.pem",
		"pkcs11:token=pin-value":                              "pkcs11:token=pin-value",
	} {
		if got := RedactURI(in); got != want {
			t.Errorf("RedactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRedactURI(f *testing.F) {
	for _, u := range secretURIs {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		r := RedactURI(uri)
		for _, s := range secretsOf(uri) {
			if len(s) >= 3 && strings.Contains(scrub("x "+uri+" y", uri), s) {
				t.Fatalf("scrub(%q) keeps secret %q", uri, s)
			}
		}
		if RedactURI(r) != r {
			t.Fatalf("RedactURI is not idempotent on %q: %q then %q", uri, r, RedactURI(r))
		}
	})
}

var _ = trust.ErrNoCertificates

// FuzzPasswordSource: the error for a source that is not understood is one
// of a few fixed messages, so nothing of the value can leak into it.
func FuzzPasswordSource(f *testing.F) {
	for _, s := range []string{"PASS:x", "pas:x", "hunter2:TOPSECRET", "1234", "pass:x", "env:", "file:", "keychain:a"} {
		f.Add(s)
	}
	fixed := map[string]bool{}
	for _, ref := range []string{"zzzz", "zzzz:y", "PASS:y", "ENV:y", "FILE:y", "KEYCHAIN:y"} {
		_, err := PasswordSource(ref)
		fixed[err.Error()] = true
	}
	f.Fuzz(func(t *testing.T, spec string) {
		_, err := PasswordSource(spec)
		kind, _, ok := strings.Cut(spec, ":")
		if err == nil || isUserFile(spec) {
			return
		}
		switch {
		case ok && (kind == "pass" || kind == "env" || kind == "file" || kind == "keychain"):
			if kind == "pass" {
				t.Fatalf("pass: source refused: %v", err)
			}
		case !fixed[err.Error()]:
			t.Fatalf("PasswordSource(%q) = %q, not one of the fixed messages", spec, err)
		}
	})
}
