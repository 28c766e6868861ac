//go:build p11testmodule

// C side of the test PKCS#11 module: the CK_FUNCTION_LIST (laid out by
// p11-kit's pkcs11.h: packed to 1 byte on Windows) and the functions
// that only fill structures. Keys, sessions, objects and signing live in
// module.go.

#include <string.h>
#include "_cgo_export.h"

#ifdef _WIN32
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

static void pad(CK_UTF8CHAR *dst, const char *s, size_t n) {
	size_t l = strlen(s);
	memset(dst, ' ', n);
	memcpy(dst, s, l < n ? l : n);
}

static CK_RV notSupported(void) { return CKR_FUNCTION_NOT_SUPPORTED; }

static CK_RV getInfo(CK_INFO_PTR p) {
	if (!p) return CKR_ARGUMENTS_BAD;
	memset(p, 0, sizeof *p);
	p->cryptokiVersion.major = 2; p->cryptokiVersion.minor = 40;
	pad(p->manufacturerID, "nativetls", 32);
	pad(p->libraryDescription, "nativetls test module", 32);
	p->libraryVersion.major = 1;
	return goInitialized() ? CKR_OK : CKR_CRYPTOKI_NOT_INITIALIZED;
}

static CK_RV getSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR n) {
	if (!n) return CKR_ARGUMENTS_BAD;
	if (!goInitialized()) return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (list) {
		if (*n < 1) { *n = 1; return CKR_BUFFER_TOO_SMALL; }
		list[0] = 1;
	}
	*n = 1;
	return CKR_OK;
}

static CK_RV getSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR p) {
	if (!goInitialized()) return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (id != 1) return CKR_SLOT_ID_INVALID;
	memset(p, 0, sizeof *p);
	pad(p->slotDescription, "nativetls test slot", 64);
	pad(p->manufacturerID, "nativetls", 32);
	p->flags = CKF_TOKEN_PRESENT;
	return CKR_OK;
}

static CK_RV getTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR p) {
	if (!goInitialized()) return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (id != 1) return CKR_SLOT_ID_INVALID;
	memset(p, 0, sizeof *p);
	pad(p->label, "wine-test", 32);
	pad(p->manufacturerID, "nativetls", 32);
	pad(p->model, "test module", 16);
	pad(p->serialNumber, "0001", 16);
	p->flags = CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED;
	p->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	p->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	p->ulMaxPinLen = 64; p->ulMinPinLen = 4;
	p->ulTotalPublicMemory = p->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulTotalPrivateMemory = p->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	return CKR_OK;
}

static const CK_MECHANISM_TYPE mechs[] = {CKM_ECDSA, CKM_RSA_PKCS, CKM_RSA_PKCS_PSS};

static CK_RV getMechanismList(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR n) {
	CK_ULONG count = sizeof mechs / sizeof mechs[0];
	if (id != 1) return CKR_SLOT_ID_INVALID;
	if (list) {
		if (*n < count) { *n = count; return CKR_BUFFER_TOO_SMALL; }
		memcpy(list, mechs, sizeof mechs);
	}
	*n = count;
	return CKR_OK;
}

static CK_RV getMechanismInfo(CK_SLOT_ID id, CK_MECHANISM_TYPE m, CK_MECHANISM_INFO_PTR p) {
	if (id != 1) return CKR_SLOT_ID_INVALID;
	p->flags = CKF_SIGN;
	p->ulMinKeySize = m == CKM_ECDSA ? 256 : 2048;
	p->ulMaxKeySize = m == CKM_ECDSA ? 256 : 4096;
	return CKR_OK;
}

static CK_RV openSession(CK_SLOT_ID id, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR h) {
	if (id != 1) return CKR_SLOT_ID_INVALID;
	if (!(flags & CKF_SERIAL_SESSION)) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	return goOpenSession(h);
}

static CK_RV getSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR p) {
	CK_ULONG state;
	CK_RV rv = goSessionState(h, &state);
	if (rv != CKR_OK) return rv;
	memset(p, 0, sizeof *p);
	p->slotID = 1;
	p->state = state;
	p->flags = CKF_SERIAL_SESSION;
	return CKR_OK;
}

static CK_RV findObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
	CK_RV rv = goFindInit(h);
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++)
		rv = goFindAdd(h, t[i].type, t[i].pValue, t[i].ulValueLen);
	return rv;
}

static CK_RV getAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
	CK_RV rv = CKR_OK;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_ULONG len = t[i].ulValueLen;
		CK_RV r = goGetAttr(h, o, t[i].type, t[i].pValue, &len);
		t[i].ulValueLen = len;
		if (r == CKR_SESSION_HANDLE_INVALID || r == CKR_OBJECT_HANDLE_INVALID) return r;
		if (r != CKR_OK && rv == CKR_OK) rv = r;
	}
	return rv;
}

static CK_RV signInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
	CK_ULONG hashAlg = 0, sLen = 0;
	if (!m) return CKR_ARGUMENTS_BAD;
	if (m->mechanism == CKM_RSA_PKCS_PSS) {
		CK_RSA_PKCS_PSS_PARAMS *p = m->pParameter;
		if (!p || m->ulParameterLen != sizeof *p) return CKR_MECHANISM_PARAM_INVALID;
		hashAlg = p->hashAlg;
		sLen = p->sLen;
	}
	return goSignInit(h, m->mechanism, hashAlg, sLen, key);
}

static CK_FUNCTION_LIST list;

EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp) {
	void **f = (void **)((char *)&list + sizeof(CK_VERSION));
	if (!pp) return CKR_ARGUMENTS_BAD;
	for (int i = 0; i < 68; i++) f[i] = (void *)notSupported;
	list.version.major = 2; list.version.minor = 40;
	list.C_Initialize = (CK_C_Initialize)goInitialize;
	list.C_Finalize = (CK_C_Finalize)goFinalize;
	list.C_GetInfo = getInfo;
	list.C_GetFunctionList = C_GetFunctionList;
	list.C_GetSlotList = getSlotList;
	list.C_GetSlotInfo = getSlotInfo;
	list.C_GetTokenInfo = getTokenInfo;
	list.C_GetMechanismList = getMechanismList;
	list.C_GetMechanismInfo = getMechanismInfo;
	list.C_OpenSession = openSession;
	list.C_CloseSession = (CK_C_CloseSession)goCloseSession;
	list.C_CloseAllSessions = (CK_C_CloseAllSessions)goCloseAllSessions;
	list.C_GetSessionInfo = getSessionInfo;
	list.C_Login = (CK_C_Login)goLogin;
	list.C_Logout = (CK_C_Logout)goLogout;
	list.C_FindObjectsInit = findObjectsInit;
	list.C_FindObjects = (CK_C_FindObjects)goFindObjects;
	list.C_FindObjectsFinal = (CK_C_FindObjectsFinal)goFindFinal;
	list.C_GetAttributeValue = getAttributeValue;
	list.C_SignInit = signInit;
	list.C_Sign = (CK_C_Sign)goSign;
	*pp = &list;
	return CKR_OK;
}
