package suitetable

import (
	"os"
	"strings"
	"testing"
)

const goodLine = "0xC02F\tTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\tECDHE-RSA-AES128-GCM-SHA256\tECDHE\tRSA\tAESGCM(128)\tAEAD\t128\tTLSv1.2\tHIGH\t-"

func TestParseRejectsBadRows(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"", "holds no cipher suites"},
		{"# only a comment\n", "holds no cipher suites"},
		{strings.Replace(goodLine, "\t-", "", 1), "want 11 TAB-separated columns"},
		{strings.Replace(goodLine, "0xC02F", "C02F", 1), "not of the form 0xNNNN"},
		{strings.Replace(goodLine, "0xC02F", "0x1C02F", 1), "not of the form 0xNNNN"},
		{strings.Replace(goodLine, "TLS_ECDHE", "SSL_ECDHE", 1), "IANA name"},
		{strings.Replace(goodLine, "ECDHE-RSA-AES128", "ECDHE RSA", 1), "OpenSSL name"},
		{strings.Replace(goodLine, "\tECDHE\t", "\tECDHX\t", 1), `unknown value "ECDHX"`},
		{strings.Replace(goodLine, "AESGCM(128)", "AESGCM128", 1), "enc"},
		{strings.Replace(goodLine, "AESGCM(128)", "ROT13(128)", 1), "enc"},
		{strings.Replace(goodLine, "\t128\t", "\t256\t", 1), "no larger than the key size"},
		{strings.Replace(goodLine, "\t-", "\tfast", 1), `unknown value "fast"`},
		{strings.Replace(goodLine, "TLSv1.2", "TLSv1.3", 1), "TLS 1.3 suites, and only they"},
		{goodLine + "\n" + goodLine, "value 0xC02F also on line 1"},
		{goodLine + "\n" + strings.Replace(goodLine, "0xC02F", "0xC030", 1), "also on line 1"},
	} {
		_, err := Parse(strings.NewReader(tc.in), "x.tsv")
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "gencipher: ") {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestParseNamesRejectsBadNames(t *testing.T) {
	rows, err := Parse(strings.NewReader(goodLine), "x.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, msg string }{
		{"ECDHE-RSA-AES128-GCM-SHA256\n", "is in the cipher-suite table"},
		{"PSK-NULL-SHA\nPSK-NULL-SHA\n", "also on line 1"},
		{"PSK NULL\n", "not an OpenSSL suite name"},
	} {
		_, err := ParseNames(strings.NewReader(tc.in), "n.txt", rows)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseNames(%q) = %v, want an error containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestGenerateRealTable(t *testing.T) {
	f, err := os.Open("../../../ciphersuites.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := Parse(f, "ciphersuites.tsv")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Generate(rows, []string{"PSK-NULL-SHA"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(src), Header+"\n") || !strings.Contains(string(src), `"PSK-NULL-SHA": true`) {
		t.Error("generated source lacks the header or the outside names")
	}
}
