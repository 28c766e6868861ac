package testpki

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
)

// BadIVEncryptedKeyPEM returns an "ENCRYPTED PRIVATE KEY" (PKCS#8, PBES2
// with PBKDF2-HMAC-SHA256 and AES-256-CBC) whose IV is 3 bytes instead of
// 16, an input that crashed PKCS#8 parsers (issue 13 item 10). Any password
// opens it as far as the cipher.
func BadIVEncryptedKeyPEM() []byte {
	type algo struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	raw := func(v any) asn1.RawValue {
		b, err := asn1.Marshal(v)
		if err != nil {
			panic(err)
		}
		return asn1.RawValue{FullBytes: b}
	}
	kdf := struct {
		Salt       []byte
		Iterations int
		PRF        pkix.AlgorithmIdentifier
	}{Salt: make([]byte, 8), Iterations: 2048,
		PRF: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, Parameters: asn1.NullRawValue}}
	params := struct{ KDF, Enc algo }{
		KDF: algo{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}, raw(kdf)},
		Enc: algo{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, raw([]byte{1, 2, 3})},
	}
	epki := struct {
		Algo algo
		Data []byte
	}{algo{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}, raw(params)}, make([]byte, 32)}
	der, err := asn1.Marshal(epki)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der})
}
