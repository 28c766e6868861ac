package p11raw

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testfs"
)

// platformABIs are the platforms the layout table covers.
var platformABIs = map[string]abi{
	"linux/amd64":   {ulong: 8, ptr: 8},
	"linux/arm64":   {ulong: 8, ptr: 8},
	"darwin/arm64":  {ulong: 8, ptr: 8},
	"darwin/amd64":  {ulong: 8, ptr: 8},
	"freebsd/amd64": {ulong: 8, ptr: 8},
	"windows/amd64": {ulong: 4, ptr: 8, packed: true},
	"windows/386":   {ulong: 4, ptr: 4, packed: true},
}

// want maps a structure to its field offsets, then its size.
type want map[string][]int

// headerLayouts is the layout of each structure in the PKCS#11 headers
// (pkcs11t.h with natural alignment, or #pragma pack(1) on Windows), one
// column per ABI in abiColumns: LP64, win64, win32.
var headerLayouts = map[string][3][]int{
	"CK_VERSION":              {{0, 1, 2}, {0, 1, 2}, {0, 1, 2}},
	"CK_INFO":                 {{0, 2, 40, 48, 80, 88}, {0, 2, 34, 38, 70, 72}, {0, 2, 34, 38, 70, 72}},
	"CK_SLOT_INFO":            {{0, 64, 96, 104, 106, 112}, {0, 64, 96, 100, 102, 104}, {0, 64, 96, 100, 102, 104}},
	"CK_SESSION_INFO":         {{0, 8, 16, 24, 32}, {0, 4, 8, 12, 16}, {0, 4, 8, 12, 16}},
	"CK_MECHANISM_INFO":       {{0, 8, 16, 24}, {0, 4, 8, 12}, {0, 4, 8, 12}},
	"CK_ATTRIBUTE":            {{0, 8, 16, 24}, {0, 4, 12, 16}, {0, 4, 8, 12}},
	"CK_MECHANISM":            {{0, 8, 16, 24}, {0, 4, 12, 16}, {0, 4, 8, 12}},
	"CK_RSA_PKCS_PSS_PARAMS":  {{0, 8, 16, 24}, {0, 4, 8, 12}, {0, 4, 8, 12}},
	"CK_RSA_PKCS_OAEP_PARAMS": {{0, 8, 16, 24, 32, 40}, {0, 4, 8, 12, 20, 24}, {0, 4, 8, 12, 16, 20}},
	"CK_C_INITIALIZE_ARGS":    {{0, 8, 16, 24, 32, 40, 48}, {0, 8, 16, 24, 32, 36, 44}, {0, 4, 8, 12, 16, 20, 24}},
	"CK_FUNCTION_LIST":        {{0, 8, 552}, {0, 2, 546}, {0, 2, 274}},
	"CK_TOKEN_INFO": {
		{0, 32, 64, 80, 96, 104, 112, 120, 128, 136, 144, 152, 160, 168, 176, 184, 186, 188, 208},
		{0, 32, 64, 80, 96, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 142, 144, 160},
		{0, 32, 64, 80, 96, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 142, 144, 160},
	},
}

// abiColumns are the ABIs of headerLayouts' columns.
var abiColumns = [3]abi{{ulong: 8, ptr: 8}, {ulong: 4, ptr: 8, packed: true}, {ulong: 4, ptr: 4, packed: true}}

// got flattens layoutsFor(a) into the same shape (CK_FUNCTION_LIST: the
// version, C_Initialize, size).
func got(a abi) want {
	l := layoutsFor(a)
	f := func(s structLayout) []int { return append(append([]int(nil), s.off...), s.size) }
	return want{
		"CK_VERSION": f(l.version), "CK_INFO": f(l.info), "CK_SLOT_INFO": f(l.slotInfo),
		"CK_TOKEN_INFO": f(l.tokenInfo), "CK_SESSION_INFO": f(l.sessionInfo), "CK_MECHANISM_INFO": f(l.mechInfo),
		"CK_ATTRIBUTE": f(l.attribute), "CK_MECHANISM": f(l.mechanism), "CK_RSA_PKCS_PSS_PARAMS": f(l.pssParams),
		"CK_RSA_PKCS_OAEP_PARAMS": f(l.oaepParams), "CK_C_INITIALIZE_ARGS": f(l.initArgs),
		"CK_FUNCTION_LIST": {l.funcList.off[0], l.funcList.off[1], l.funcList.size},
	}
}

// TestLayoutTable checks every structure's offsets and size per platform
// against the headers' layout.
func TestLayoutTable(t *testing.T) {
	for plat, a := range platformABIs {
		col := slices.Index(abiColumns[:], a)
		if col < 0 {
			t.Errorf("%s: ABI %+v has no column in headerLayouts", plat, a)
			continue
		}
		g := got(a)
		for name, layouts := range headerLayouts {
			if !reflect.DeepEqual(g[name], layouts[col]) {
				t.Errorf("%s %s: offsets+size %v, headers say %v", plat, name, g[name], layouts[col])
			}
		}
	}
}

// TestNativeABI checks that this build picked its platform's ABI.
func TestNativeABI(t *testing.T) {
	plat := runtime.GOOS + "/" + runtime.GOARCH
	a, ok := platformABIs[plat]
	if !ok {
		t.Skipf("%s is not in the table", plat)
	}
	if nativeABI != a {
		t.Fatalf("%s: native ABI %+v, want %+v", plat, nativeABI, a)
	}
}

// cLayoutProgram prints the layout of each structure as the C compiler
// sees it through p11-kit's pkcs11.h.
func cLayoutProgram() string {
	fields := map[string][]string{
		"CK_VERSION":              {"major", "minor"},
		"CK_INFO":                 {"cryptokiVersion", "manufacturerID", "flags", "libraryDescription", "libraryVersion"},
		"CK_SLOT_INFO":            {"slotDescription", "manufacturerID", "flags", "hardwareVersion", "firmwareVersion"},
		"CK_TOKEN_INFO":           {"label", "manufacturerID", "model", "serialNumber", "flags", "ulMaxSessionCount", "ulSessionCount", "ulMaxRwSessionCount", "ulRwSessionCount", "ulMaxPinLen", "ulMinPinLen", "ulTotalPublicMemory", "ulFreePublicMemory", "ulTotalPrivateMemory", "ulFreePrivateMemory", "hardwareVersion", "firmwareVersion", "utcTime"},
		"CK_SESSION_INFO":         {"slotID", "state", "flags", "ulDeviceError"},
		"CK_MECHANISM_INFO":       {"ulMinKeySize", "ulMaxKeySize", "flags"},
		"CK_ATTRIBUTE":            {"type", "pValue", "ulValueLen"},
		"CK_MECHANISM":            {"mechanism", "pParameter", "ulParameterLen"},
		"CK_RSA_PKCS_PSS_PARAMS":  {"hashAlg", "mgf", "sLen"},
		"CK_RSA_PKCS_OAEP_PARAMS": {"hashAlg", "mgf", "source", "pSourceData", "ulSourceDataLen"},
		"CK_C_INITIALIZE_ARGS":    {"CreateMutex", "DestroyMutex", "LockMutex", "UnlockMutex", "flags", "pReserved"},
		"CK_FUNCTION_LIST":        {"version", "C_Initialize"},
	}
	var b strings.Builder
	b.WriteString("#include <stdio.h>\n#include <stddef.h>\n#include <p11-kit/pkcs11.h>\nint main(void){\n")
	for s, fs := range fields {
		fmt.Fprintf(&b, "printf(\"%s\");\n", s)
		for _, f := range fs {
			fmt.Fprintf(&b, "printf(\" %%d\", (int)offsetof(%s, %s));\n", s, f)
		}
		fmt.Fprintf(&b, "printf(\" %%d\\n\", (int)sizeof(%s));\n", s)
	}
	b.WriteString("return 0;}\n")
	return b.String()
}

// TestLayoutMatchesCompiler compiles the headers with gcc (this machine)
// and, when Wine is there, with mingw (windows/amd64), and compares.
func TestLayoutMatchesCompiler(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("compiles the headers on linux/amd64 (gcc, and mingw under Wine)")
	}
	const inc = "/usr/include/p11-kit-1"
	if _, err := os.Stat(inc + "/p11-kit/pkcs11.h"); err != nil {
		t.Skip("p11-kit's pkcs11.h missing; install with: apt-get install -y libp11-kit-dev")
	}
	dir := testfs.TempDir(t)
	src := filepath.Join(dir, "layout.c")
	if err := os.WriteFile(src, []byte(cLayoutProgram()), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func(plat, cc string, run ...string) {
		if _, err := exec.LookPath(cc); err != nil {
			t.Logf("%s: %s missing, not compared", plat, cc)
			return
		}
		exe := filepath.Join(dir, plat[:strings.Index(plat, "/")]+".exe")
		if out, err := exec.Command(cc, "-I", inc, "-o", exe, src).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cc, err, out)
		}
		out, err := exec.Command(append(run, exe)[0], append(run, exe)[1:]...).Output()
		if err != nil {
			t.Logf("%s: running %s: %v (not compared)", plat, exe, err)
			return
		}
		g := got(platformABIs[plat])
		n := 0
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(strings.TrimSpace(line))
			if len(f) == 0 {
				continue
			}
			if s := fmt.Sprint(g[f[0]]); s != "["+strings.Join(f[1:], " ")+"]" {
				t.Errorf("%s %s: ours %s, %s says %v", plat, f[0], s, cc, f[1:])
			}
			n++
		}
		if n != len(g) {
			t.Errorf("%s: compared %d structures, want %d", plat, n, len(g))
		}
	}
	check("linux/amd64", "gcc")
	if os.Getenv("NATIVETLS_WINE_LAYOUT") == "" {
		t.Log("windows/amd64 not compared; set NATIVETLS_WINE_LAYOUT=1 to run the mingw-compiled check under Wine")
		return
	}
	for _, wine := range []string{"wine64", "/usr/lib/wine/wine64", "wine"} {
		if w, err := exec.LookPath(wine); err == nil {
			check("windows/amd64", "x86_64-w64-mingw32-gcc", w)
			return
		}
	}
	t.Log("windows/amd64 not compared: no wine64 or wine in PATH")
}
