package testpki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"time"
)

// ClientIDs is the client-certificate fixture of the native and CLI tests:
// three client CAs and one identity under each. Under A an expired ECDSA
// identity, under B (through an intermediate) an ECDSA one, under C an RSA
// one. Validity is set from Clock and holds both at Clock and at the real
// time of a handshake (until 2036); A's identity expired before both.
type ClientIDs struct {
	CAA, CAB, InterB, CAC *Cert
	IDA, IDB, IDC         *Cert
}

// NewClientIDs makes the three CAs and identities.
func NewClientIDs() *ClientIDs {
	valid := Options{NotBefore: Clock.Add(-24 * time.Hour), NotAfter: Clock.Add(10 * 365 * 24 * time.Hour)}
	rsaValid := valid
	rsaValid.KeyType = RSA2048
	p := &ClientIDs{CAA: Root("Client CA A", valid), CAB: Root("Client CA B", valid), CAC: Root("Client CA C", rsaValid)}
	p.InterB = p.CAB.Intermediate("Client CA B Issuing", valid)
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	p.IDA = p.CAA.Leaf(Options{DNSNames: []string{"a.client.test"}, EKUs: client,
		NotBefore: Clock.Add(-2 * 365 * 24 * time.Hour), NotAfter: Clock.Add(-365 * 24 * time.Hour)})
	leaf := valid
	leaf.EKUs, leaf.DNSNames = client, []string{"b.client.test"}
	p.IDB = p.InterB.Leaf(leaf)
	leaf = rsaValid
	leaf.EKUs, leaf.DNSNames = client, []string{"c.client.test"}
	p.IDC = p.CAC.Leaf(leaf)
	return p
}

// WriteDir writes the identities into dir as a client-identity directory:
// a.pem (certificate and key), b.crt (leaf and intermediate) with b.key,
// and c.pem.
func (p *ClientIDs) WriteDir(dir string) error {
	for name, data := range map[string][]byte{
		"a.pem": append(p.IDA.PEM(), p.IDA.KeyPEM()...),
		"b.crt": ChainPEM(p.IDB, p.InterB),
		"b.key": p.IDB.KeyPEM(),
		"c.pem": append(p.IDC.PEM(), p.IDC.KeyPEM()...),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
