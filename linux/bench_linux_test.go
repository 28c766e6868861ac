package linux

import (
	"bufio"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Cold-load measurements run in fresh processes: the test binary re-executes
// itself with NATIVETLS_COLD set, and the child measures one load in-process
// and prints the elapsed nanoseconds. These read the host's real trust
// configuration on purpose (that is what is measured); tests never do.

const coldEnv = "NATIVETLS_COLD"

// TestColdChild is the child side; it does nothing in a normal run.
func TestColdChild(t *testing.T) {
	what := os.Getenv(coldEnv)
	if what == "" {
		t.Skip("child of the cold-load benchmark only")
	}
	start := time.Now()
	var n int
	switch what {
	case "ours":
		s, err := Load(Options{IncludeNSS: true})
		if err != nil {
			t.Fatal(err)
		}
		n = len(s.AnchorStore().Sources())
	case "ours-full":
		// The same with the p11-kit module parsing its tokens itself.
		if _, err := Load(Options{IncludeNSS: true, P11KitFullRead: true}); err != nil {
			t.Fatal(err)
		}
	case "fedora-fast", "fedora-full":
		// The Fedora-layout fixture (NATIVETLS_COLD_PATHS), read by the
		// fast path or by the module.
		_, err := Load(Options{Getenv: noEnv, CertFiles: []string{}, CertDirs: []string{},
			P11KitPaths: strings.Split(os.Getenv("NATIVETLS_COLD_PATHS"), ":"), P11KitFullRead: what == "fedora-full"})
		if err != nil {
			t.Fatal(err)
		}
	case "go":
		p, err := x509.SystemCertPool()
		if err != nil {
			t.Fatal(err)
		}
		_ = p
	}
	fmt.Printf("COLD_NS=%d\n", time.Since(start).Nanoseconds())
	_ = n
}

// coldSample runs one child and returns its in-process load time.
func coldSample(tb testing.TB, what string, systemOnly bool) time.Duration {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestColdChild$", "-test.count=1")
	env := []string{coldEnv + "=" + what}
	for _, kv := range os.Environ() {
		if systemOnly && (strings.HasPrefix(kv, envCertFile+"=") || strings.HasPrefix(kv, envCertDir+"=")) {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("cold child %s: %v\n%s", what, err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "COLD_NS="); ok {
			ns, _ := strconv.ParseInt(v, 10, 64)
			return time.Duration(ns)
		}
	}
	tb.Fatalf("cold child %s printed no time:\n%s", what, out)
	return 0
}

// coldMedians interleaves n samples of what and Go's and returns medians.
func coldMedians(tb testing.TB, n int, what string, systemOnly bool) (ours, base time.Duration) {
	var o, g []time.Duration
	for i := 0; i < n; i++ {
		o = append(o, coldSample(tb, what, systemOnly))
		g = append(g, coldSample(tb, "go", systemOnly))
	}
	return median(o), median(g)
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

func benchCold(b *testing.B, systemOnly bool) {
	var o, g []time.Duration
	for i := 0; i < b.N; i++ {
		o = append(o, coldSample(b, "ours", systemOnly))
		g = append(g, coldSample(b, "go", systemOnly))
	}
	mo, mg := median(o), median(g)
	b.ReportMetric(float64(mo.Nanoseconds()), "ours-ns/load")
	b.ReportMetric(float64(mg.Nanoseconds()), "SystemCertPool-ns/load")
	b.ReportMetric(float64(mo)/float64(mg), "ratio")
}

// BenchmarkColdLoadSystem: every system source (p11-kit, NSS opted in,
// SSL_CERT_* unset) vs x509.SystemCertPool, each in a fresh process.
func BenchmarkColdLoadSystem(b *testing.B) { benchCold(b, true) }

// BenchmarkColdLoadEnv: the same with this process's environment (where
// SSL_CERT_FILE / SSL_CERT_DIR may be set).
func BenchmarkColdLoadEnv(b *testing.B) { benchCold(b, false) }

// BenchmarkSystemSecondCall measures System() once loaded.
func BenchmarkSystemSecondCall(b *testing.B) {
	if _, err := System(); err != nil {
		b.Skip(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s, _ := System(); s == nil {
			b.Fatal("nil store")
		}
	}
}

// TestBenchTable prints the benchmark table: go test -run TestBenchTable
// with NATIVETLS_BENCH=1.
func TestBenchTable(t *testing.T) {
	if os.Getenv("NATIVETLS_BENCH") != "1" {
		t.Skip("set NATIVETLS_BENCH=1 to measure")
	}
	const n = 15
	fmt.Printf("%-44s %12s %12s %7s %s\n", "name", "ours", "baseline", "ratio", "target")
	for _, c := range []struct {
		name       string
		what       string
		systemOnly bool
	}{
		{"cold load, system sources (SSL_CERT_* unset)", "ours", true},
		{"cold load, environment as is", "ours", false},
		{"  same, P11KitFullRead (module parses tokens)", "ours-full", true},
	} {
		o, g := coldMedians(t, n, c.what, c.systemOnly)
		fmt.Printf("%-44s %12s %12s %7.2f %s\n", c.name, o.Round(10*time.Microsecond), g.Round(10*time.Microsecond), float64(o)/float64(g), "<=1.5 (vs x509.SystemCertPool cold)")
	}
	if findP11KitModule(&Options{}) != "" {
		f := newFedoraFixture(t)
		t.Setenv("NATIVETLS_COLD_PATHS", strings.Join(f.paths, ":"))
		for _, c := range []struct{ name, what string }{
			{"cold load, Fedora layout (files read directly)", "fedora-fast"},
			{"  same, the p11-kit module parses the files", "fedora-full"},
		} {
			o, g := coldMedians(t, n, c.what, true)
			fmt.Printf("%-44s %12s %12s %7.2f %s\n", c.name, o.Round(10*time.Microsecond), g.Round(10*time.Microsecond), float64(o)/float64(g), "<=1.0 (vs x509.SystemCertPool cold, issue 19)")
		}
	}
	if findP11KitModule(&Options{}) != "" {
		// On this machine, the fast path must give what the module gives.
		fast, err1 := Load(Options{Getenv: noEnv})
		full, err2 := Load(Options{Getenv: noEnv, P11KitFullRead: true})
		if err1 == nil && err2 == nil {
			fa, _ := fast.Anchors(nil)
			fu, _ := full.Anchors(nil)
			same := reflect.DeepEqual(anchorSummary(fa), anchorSummary(fu))
			fmt.Printf("%-44s %12d %12d %7v %s\n", "p11-kit fast path vs module (anchors)", len(fa), len(fu), same, "identical")
			if !same {
				t.Errorf("fast path and module disagree on this machine")
			}
		}
	}
	r := testing.Benchmark(BenchmarkSystemSecondCall)
	fmt.Printf("%-44s %10.2fns %12s %7s %s\n", "System() second call", float64(r.T.Nanoseconds())/float64(r.N), "-", "-", "<=1000ns")
}
