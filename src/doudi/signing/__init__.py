"""Signed roster versions (签章负责): canonical form of a roster's rows, SM3 digest, SM2 signature behind a
`Signer` interface, keys in PEM that OpenSSL 3 reads, verification and the diff of two versions.

Pure: no Django. The Django side (numbering, who may sign, storage) is `doudi.rosterbook`.
"""
