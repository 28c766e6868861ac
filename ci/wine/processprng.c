/*
 * processprng.c: a stand-in bcryptprimitives.dll for Wine 8.
 *
 * Go >= 1.22 Windows binaries import bcryptprimitives.dll!ProcessPrng for
 * their random numbers. Wine 8 has no such export, so a Go test binary
 * fails at load. This DLL exports ProcessPrng on top of BCryptGenRandom
 * with the system-preferred RNG, which Wine implements.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *        processprng.c -lbcrypt   (see build-shim.sh)
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
