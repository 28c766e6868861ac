package win32

import syswin "golang.org/x/sys/windows"

// The crypt32 and ncrypt entry points that x/sys/windows does not bind,
// resolved on first use: each call checks Find first, so a missing export
// (an old Windows, a partial Wine) is an error, not a panic.
var (
	modcrypt32 = syswin.NewLazySystemDLL("crypt32.dll")

	procCertCreateCertificateChainEngine  = modcrypt32.NewProc("CertCreateCertificateChainEngine")
	procCertFreeCertificateChainEngine    = modcrypt32.NewProc("CertFreeCertificateChainEngine")
	procCertSetCertificateContextProperty = modcrypt32.NewProc("CertSetCertificateContextProperty")
	procCertAddStoreToCollection          = modcrypt32.NewProc("CertAddStoreToCollection")
	procCertGetCertificateContextProperty = modcrypt32.NewProc("CertGetCertificateContextProperty")

	modncrypt = syswin.NewLazySystemDLL("ncrypt.dll")

	procNCryptSignHash    = modncrypt.NewProc("NCryptSignHash")
	procNCryptDecrypt     = modncrypt.NewProc("NCryptDecrypt")
	procNCryptGetProperty = modncrypt.NewProc("NCryptGetProperty")
	procNCryptSetProperty = modncrypt.NewProc("NCryptSetProperty")
	procNCryptFreeObject  = modncrypt.NewProc("NCryptFreeObject")
	procNCryptDeleteKey   = modncrypt.NewProc("NCryptDeleteKey")

	procNCryptOpenStorageProvider = modncrypt.NewProc("NCryptOpenStorageProvider")
	procNCryptImportKey           = modncrypt.NewProc("NCryptImportKey")
)
