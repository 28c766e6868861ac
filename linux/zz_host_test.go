package linux

import (
	"fmt"
	"testing"
	"time"
	"crypto/x509"
)

func TestZZHost(t *testing.T) {
	t0 := time.Now()
	s, err := Load(Options{})
	d := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Sources() {
		fmt.Printf("%+v\n", r)
	}
	as, _ := s.Anchors(nil)
	fmt.Println(len(as), d)
	t0 = time.Now()
	_, err = x509.SystemCertPool()
	fmt.Println(time.Since(t0))
}
