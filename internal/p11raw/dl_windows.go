package p11raw

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// dlopen loads a DLL by absolute path; its dependencies are searched in
// its own directory and the system directories, never the current one.
func dlopen(path string) (uintptr, error) {
	h, err := windows.LoadLibraryEx(path, 0, windows.LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR|windows.LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)
	return uintptr(h), err
}

func dlsym(h uintptr, name string) (uintptr, error) {
	return windows.GetProcAddress(windows.Handle(h), name)
}

func dlclose(h uintptr) error { return windows.FreeLibrary(windows.Handle(h)) }

// callN calls the C function at fn (cdecl or stdcall: the runtime's
// trampoline restores the stack pointer either way) and returns its CK_RV.
func callN(fn uintptr, args ...uintptr) uintptr {
	r, _, _ := syscall.SyscallN(fn, args...)
	return r
}
