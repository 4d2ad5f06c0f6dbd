import QUICCrypto

/// The four-pass encryption of QUIC-LB (draft-ietf-quic-load-balancers-21 §5.4.2): a four-round Feistel network
/// over the server ID and nonce, with AES-128-ECB of the expanded half as the round function, for every
/// plaintext length from 5 to 19 octets except 16 (which takes the single-pass encoding).
///
/// §5.4.2.3: "The server splits plaintext_CID into components left_0 and right_0 of equal length half_len. If
/// plaintext_len is odd, right_0 clears its first four bits, and left_0 clears its last four bits." Each pass
/// then XORs one half with the truncated encryption of the other:
///
///     right_1 = right_0 ^ truncate(AES(expand(len, 1, left_0)), half_len)
///     left_1  = left_0  ^ truncate(AES(expand(len, 2, right_1)), half_len)
///     right_2 = right_1 ^ truncate(AES(expand(len, 3, left_1)), half_len)
///     left_2  = left_1  ^ truncate(AES(expand(len, 4, right_2)), half_len)
///
/// clearing the shared nibble again after every pass when the length is odd, so that joining the halves gives
/// back exactly `plaintext_len` octets.
///
/// The functions work in caller-provided memory (a block of `plaintextLength` octets and ``scratchLength``
/// octets of scratch) and allocate nothing: a router decodes one connection ID per datagram.
struct QUICLBFourPass {
    /// Scratch a call needs: two halves of at most 10 octets and one AES block.
    static let scratchLength = 2 * Self.maximumHalfLength + AESBlockCipher.blockSize
    private static let maximumHalfLength = 10

    let cipher: AESBlockCipher
    /// §5.4.2.2: "The 'length' argument MUST NOT exceed 19 and MUST NOT be less than 5."
    let plaintextLength: Int

    /// §5.4.2.2: "Let 'half_len' be equal to 'plaintext_len' / 2, rounded up."
    var halfLength: Int { (self.plaintextLength + 1) / 2 }

    var isOdd: Bool { self.plaintextLength & 1 == 1 }

    init?(cipher: AESBlockCipher, plaintextLength: Int) {
        guard plaintextLength >= 5, plaintextLength <= QUICLBConfiguration.maximumPlaintextLength else { return nil }
        self.cipher = cipher
        self.plaintextLength = plaintextLength
    }

    /// Encrypts the `plaintextLength` octets of `block` in place; false if the block function failed.
    func encrypt(_ block: UnsafeMutableBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let (left, right, aes) = self.carve(scratch)
        self.split(block, left: left, right: right)
        guard self.pass(1, from: left, into: right, aes: aes) else { return false }
        self.clearFirstBits(right)
        guard self.pass(2, from: right, into: left, aes: aes) else { return false }
        self.clearLastBits(left)
        guard self.pass(3, from: left, into: right, aes: aes) else { return false }
        self.clearFirstBits(right)
        guard self.pass(4, from: right, into: left, aes: aes) else { return false }
        self.clearLastBits(left)
        self.join(left: left, right: right, into: block)
        return true
    }

    /// Decrypts the `plaintextLength` octets of `block` in place; false if the block function failed.
    ///
    /// §5.5.2: "As the load balancer has no need for the nonce, it can conclude after 3 passes as long as the
    /// server ID is entirely contained in left_0 (i.e., the nonce is at least as large as the server ID)." With
    /// `serverIDOnly` and such lengths only the first `serverIDLength` octets of the result are meaningful.
    ///
    /// The passes run in reverse, each clearing the shared nibble of the half it produced, as encryption does
    /// (the draft's pseudocode clears `left_1` after computing `right_1`; `right_1` is the half meant).
    func decrypt(_ block: UnsafeMutableBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>,
                 serverIDOnly serverIDLength: Int? = nil) -> Bool {
        let (left, right, aes) = self.carve(scratch)
        self.split(block, left: left, right: right)
        guard self.pass(4, from: right, into: left, aes: aes) else { return false }
        self.clearLastBits(left)
        guard self.pass(3, from: left, into: right, aes: aes) else { return false }
        self.clearFirstBits(right)
        guard self.pass(2, from: right, into: left, aes: aes) else { return false }
        self.clearLastBits(left)
        // left_0 holds whole octets 0 ..< plaintext_len / 2 (rounded down): the server ID when it is no longer.
        if let serverIDLength, serverIDLength <= self.plaintextLength / 2 {
            for index in 0..<serverIDLength {
                block[index] = left[index]
            }
            return true
        }
        guard self.pass(1, from: left, into: right, aes: aes) else { return false }
        self.clearFirstBits(right)
        self.join(left: left, right: right, into: block)
        return true
    }

    // MARK: - The steps

    private func carve(_ scratch: UnsafeMutableBufferPointer<UInt8>) -> (
        left: UnsafeMutableBufferPointer<UInt8>, right: UnsafeMutableBufferPointer<UInt8>,
        aes: UnsafeMutableBufferPointer<UInt8>
    ) {
        precondition(scratch.count >= Self.scratchLength, "four-pass scratch too small")
        let half = self.halfLength
        let maximum = Self.maximumHalfLength
        return (UnsafeMutableBufferPointer(rebasing: scratch[0..<half]),
                UnsafeMutableBufferPointer(rebasing: scratch[maximum..<(maximum + half)]),
                UnsafeMutableBufferPointer(rebasing: scratch[(2 * maximum)..<(2 * maximum + AESBlockCipher.blockSize)]))
    }

    /// §5.4.2.3 step 2: "0x7040b81b55ccf3 would split into a left_0 of 0x7040b810 and right_0 of 0x0b55ccf3."
    private func split(_ block: UnsafeMutableBufferPointer<UInt8>, left: UnsafeMutableBufferPointer<UInt8>,
                       right: UnsafeMutableBufferPointer<UInt8>) {
        let half = self.halfLength
        let rightStart = self.plaintextLength - half
        for index in 0..<half {
            left[index] = block[index]
            right[index] = block[rightStart + index]
        }
        self.clearLastBits(left)
        self.clearFirstBits(right)
    }

    /// §5.4.2.3 step 12: "If plaintext_len is odd, the four least significant bits of left_2 and four most
    /// significant bits of right_2, which are all zero, are stripped off before concatenation".
    private func join(left: UnsafeMutableBufferPointer<UInt8>, right: UnsafeMutableBufferPointer<UInt8>,
                      into block: UnsafeMutableBufferPointer<UInt8>) {
        let half = self.halfLength
        for index in 0..<half {
            block[index] = left[index]
        }
        let rightStart = self.plaintextLength - half
        for index in 0..<half {
            if self.isOdd, index == 0 {
                block[rightStart] |= right[0]
            } else {
                block[rightStart + index] = right[index]
            }
        }
    }

    /// `target ^= truncate(AES_ECB(key, expand(plaintext_len, pass, input)), half_len)`.
    ///
    /// §5.4.2.2: expand "concatenates three arguments and outputs 16 zero-padded octets": the input half, zeros,
    /// then the plaintext length as the fifteenth octet and the pass as the sixteenth.
    private func pass(_ pass: UInt8, from input: UnsafeMutableBufferPointer<UInt8>,
                      into target: UnsafeMutableBufferPointer<UInt8>, aes: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let half = self.halfLength
        for index in 0..<AESBlockCipher.blockSize {
            aes[index] = index < half ? input[index] : 0
        }
        aes[AESBlockCipher.blockSize - 2] = UInt8(truncatingIfNeeded: self.plaintextLength)
        aes[AESBlockCipher.blockSize - 1] = pass
        do {
            try self.cipher.encrypt(aes)
        } catch {
            return false
        }
        for index in 0..<half {
            target[index] ^= aes[index]
        }
        return true
    }

    /// Odd lengths: the left half's last four bits belong to the right half.
    private func clearLastBits(_ half: UnsafeMutableBufferPointer<UInt8>) {
        if self.isOdd { half[self.halfLength - 1] &= 0xf0 }
    }

    /// Odd lengths: the right half's first four bits belong to the left half.
    private func clearFirstBits(_ half: UnsafeMutableBufferPointer<UInt8>) {
        if self.isOdd { half[0] &= 0x0f }
    }
}
