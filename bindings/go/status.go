package pqjose

// #include "pqjose.h"
import "C"

// Status is the outcome of a pqjose call, with the stable numbers of include/pqjose.h
// (PQJ_STATUS_*). A Status is itself an error, so errors.Is(err, pqjose.StatusExpired) works
// on every error this package returns.
type Status uint32

// The statuses. Numbers are append-only: they never change meaning.
const (
	StatusOK                          Status = 0
	StatusNullParameter               Status = 1
	StatusInvalidUTF8                 Status = 2
	StatusInvalidArgument             Status = 3
	StatusPanic                       Status = 4
	StatusOther                       Status = 5
	StatusClaimAbsent                 Status = 6
	StatusClaimType                   Status = 7
	StatusTokenTooLarge               Status = 100
	StatusHeaderTooLarge              Status = 101
	StatusPayloadTooLarge             Status = 102
	StatusSegmentCount                Status = 103
	StatusBase64                      Status = 104
	StatusHeaderJSON                  Status = 105
	StatusPayloadJSON                 Status = 106
	StatusPayloadUTF8                 Status = 107
	StatusDuplicateMember             Status = 108
	StatusTooDeep                     Status = 109
	StatusHeaderMember                Status = 110
	StatusUnsupportedCritical         Status = 111
	StatusUnencodedPayload            Status = 112
	StatusEmbeddedKey                 Status = 113
	StatusSignatureLength             Status = 114
	StatusJwsJSON                     Status = 115
	StatusTooManySignatures           Status = 116
	StatusUnprotectedHeader           Status = 117
	StatusWhitespace                  Status = 118
	StatusNestedJWT                   Status = 119
	StatusMalformedJWK                Status = 200
	StatusUnsupportedKeyType          Status = 201
	StatusAlgorithmRequired           Status = 202
	StatusWrongKeyType                Status = 203
	StatusInvalidKeyEncoding          Status = 204
	StatusKeyMismatch                 Status = 205
	StatusKeyTooWeak                  Status = 206
	StatusKeyNotPrivate               Status = 207
	StatusNoPublicForm                Status = 208
	StatusPem                         Status = 209
	StatusPemUnsupported              Status = 210
	StatusMalformedJWKSet             Status = 211
	StatusNotExportable               Status = 212
	StatusDuplicateKey                Status = 213
	StatusTooManyKeys                 Status = 214
	StatusKeyNotPublic                Status = 215
	StatusRawKeyLength                Status = 216
	StatusEncryptedPrivateKey         Status = 217
	StatusJweSegmentCount             Status = 230
	StatusJweEncPresence              Status = 231
	StatusJweSerialization            Status = 232
	StatusJweRecipients               Status = 233
	StatusJweDuplicateHeader          Status = 234
	StatusJweUnsupportedAlgorithm     Status = 235
	StatusJweHpkeParameters           Status = 236
	StatusJweKeyMismatch              Status = 237
	StatusJweNotNested                Status = 238
	StatusJweNotAllowed               Status = 239
	StatusJweDecryption               Status = 240
	StatusJweRsaDecryptionUnavailable Status = 241
	StatusJweInvalidEphemeralKey      Status = 242
	StatusJweRefusedAlgorithm         Status = 243
	StatusJweCompression              Status = 244
	StatusJweEncMismatch              Status = 245
	StatusJweUnknownEnc               Status = 246
	StatusJweKeyManagementHeader      Status = 247
	StatusAlgNone                     Status = 300
	StatusAlgUnknown                  Status = 301
	StatusAlgMismatch                 Status = 302
	StatusAlgNotAllowed               Status = 303
	StatusAlgUnsupported              Status = 304
	StatusUnknownPolicy               Status = 305
	StatusInvalidSignature            Status = 400
	StatusExpired                     Status = 500
	StatusNotYetValid                 Status = 501
	StatusIssuedInFuture              Status = 502
	StatusTooOld                      Status = 503
	StatusIssuer                      Status = 504
	StatusAudience                    Status = 505
	StatusUnexpectedAudience          Status = 506
	StatusSubject                     Status = 507
	StatusType                        Status = 508
	StatusMissingClaim                Status = 509
	StatusInvalidClaim                Status = 510
	StatusDeserialize                 Status = 511
	StatusEmptyExpected               Status = 512
	StatusKeyNotFound                 Status = 600
	StatusReplayed                    Status = 601
	StatusRevoked                     Status = 602
	StatusReplayStoreFull             Status = 603
	StatusReplayStoreUnavailable      Status = 604
	StatusRemoteKeysUnavailable       Status = 610
	StatusRemoteKeysStale             Status = 611
	StatusRemoteTransport             Status = 612
	StatusRemoteTimeout               Status = 613
	StatusRemoteHttpStatus            Status = 614
	StatusRemoteTooLarge              Status = 615
	StatusRemoteRedirect              Status = 616
	StatusRemoteInsecureUrl           Status = 617
	StatusRemoteInvalidUrl            Status = 618
	StatusRemoteMalformed             Status = 619
	StatusNoUsableKeys                Status = 620
	StatusRemoteDiscovery             Status = 621
	StatusNoHttpSupport               Status = 622
	StatusCrypto                      Status = 700
	StatusJWKSetTooManyKeys           Status = 800
	StatusJWKSetTooLarge              Status = 801
	StatusKeyUse                      Status = 802
	StatusDpopProofKey                Status = 1000
	StatusDpopProofKeyPrivate         Status = 1001
	StatusDpopMethod                  Status = 1002
	StatusDpopUri                     Status = 1003
	StatusDpopUriQuery                Status = 1004
	StatusInvalidUri                  Status = 1005
	StatusProofTooOld                 Status = 1006
	StatusProofInFuture               Status = 1007
	StatusAccessTokenHash             Status = 1008
	StatusNonce                       Status = 1009
	StatusNotSenderConstrained        Status = 1010
	StatusBindingMismatch             Status = 1011
	StatusScopeWidened                Status = 1020
	StatusLifetimeExtended            Status = 1021
	StatusChainTooDeep                Status = 1022
	StatusActorNotAllowed             Status = 1023
	StatusExchangeRequest             Status = 1030
	StatusExchangeGrantType           Status = 1031
	StatusExchangeResponse            Status = 1032
	StatusWorkloadIdentifier          Status = 1040
	StatusWorkloadKey                 Status = 1041
	StatusWorkloadProofAlgorithm      Status = 1042
	StatusWorkloadTokenHash           Status = 1043
	StatusTransactionTokenHash        Status = 1044
	StatusOtherTokenHash              Status = 1045
	StatusProofLifetime               Status = 1046
	StatusAuditIo                     Status = 1100
	StatusAuditNotEmpty               Status = 1101
	StatusAuditNotALog                Status = 1102
	StatusAuditConfig                 Status = 1103
	StatusAuditRecordNotObject        Status = 1104
	StatusAuditRecordTooLarge         Status = 1105
	StatusAuditIndexOutOfRange        Status = 1106
	StatusAuditNoCheckpoint           Status = 1107
	StatusAuditCheckpointFormat       Status = 1108
	StatusAuditCheckpointOrigin       Status = 1109
	StatusAuditProofFormat            Status = 1110
	StatusAuditInclusionProof         Status = 1111
	StatusAuditConsistencyProof       Status = 1112
	StatusAuditTampered               Status = 1113
	StatusAuditUnsuitableKey          Status = 1114
	StatusAuditSignerStopped          Status = 1115
)

// String is the library's fixed description of the status.
func (s Status) String() string {
	return C.GoString(C.pqj_status_str(C.uint32_t(s)))
}

// Error makes a Status usable as an error (and as an errors.Is target).
func (s Status) Error() string { return s.String() }
