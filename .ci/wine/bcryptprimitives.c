/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running
 * Postino.exe under Debian's Wine 8 in CI (.ci/check-wine.sh). Never
 * shipped: the installer does not contain it.
 *
 * Every Go >= 1.22 Windows binary loads bcryptprimitives.dll from the
 * system directory at start and calls ProcessPrng for its random
 * numbers. Windows 10 and later have it; Wine 8.0 does not, so the
 * binary stops with "fatal error: bcryptprimitives.dll not found".
 * ProcessPrng fills a buffer with cryptographically random bytes and
 * always succeeds; here it asks RtlGenRandom (advapi32's
 * SystemFunction036), which Wine implements over the host's random source.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a ULONG length: feed it in chunks. */
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst;
	(void)reason;
	(void)reserved;
	return TRUE;
}
