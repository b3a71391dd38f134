@preconcurrency import Crypto
import Envelope
import Foundation

/// Encryption at rest of personal data in the stores (identity numbers, names, phones): AES-256-GCM
/// under a key ring from `DOUDI_STORE_KEYS` (`id=base64,id=base64`, 32-byte keys, the first is the
/// current one). `seal` always uses the current key and writes its id into the sealed bytes; `open`
/// finds the key by that id, so after a rotation (a new key put first, the old ones kept after it)
/// old rows stay readable and every row written or rewritten is sealed under the new key.
///
/// Sealed bytes: `DS1` · key-id length (1 byte) · key id · 12-byte nonce · ciphertext · 16-byte tag.
/// `aad` binds a value to where it belongs (a table and a row id), so a sealed value copied into
/// another row does not open.
public struct Sealer: Sendable {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey
        public init(id: String, bytes: [UInt8]) { self.id = id; self.key = SymmetricKey(data: bytes) }
    }

    public enum OpenError: Error, CustomStringConvertible, Sendable {
        case notSealed, unknownKey(String), corrupt
        public var description: String {
            switch self {
            case .notSealed: "the stored value is not sealed"
            case .unknownKey(let id): "the stored value is sealed under key \(id), which DOUDI_STORE_KEYS does not hold"
            case .corrupt: "the stored value does not open (wrong key, wrong row, or damaged)"
            }
        }
    }

    static let magic: [UInt8] = Array("DS1".utf8)
    public let current: Key
    private let byID: [String: Key]
    /// `DS1` · key-id length · key id of the current key: the start of every value sealed.
    private let prefix: [UInt8]

    public init(keys: [Key]) {
        precondition(!keys.isEmpty, "a sealer needs a key")
        current = keys[0]
        byID = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let id = Array(current.id.utf8)
        prefix = Self.magic + [UInt8(id.count)] + id
    }

    /// The published development key ring (development mode only).
    public static let developmentKeys = "dev=ZG91ZGktZGV2ZWxvcG1lbnQtc3RvcmUta2V5LTMyYnk="

    /// `DOUDI_STORE_KEYS`; the development ring in development mode.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Sealer {
        let ring = try Secrets.keyRing("DOUDI_STORE_KEYS", env, development: developmentKeys, minimumBytes: 32)
        for k in ring where k.key.count != 32 { throw MissingSecret("DOUDI_STORE_KEYS", "key \(k.id) must be exactly 32 bytes (AES-256)") }
        return Sealer(keys: ring.map { Key(id: $0.id, bytes: $0.key) })
    }

    public func seal(_ plaintext: [UInt8], aad: String) -> [UInt8] {
        // AES-GCM with a random 96-bit nonce: safe for far more values than a store holds per key.
        sealed(plaintext, aad: aad)
    }

    public func seal(_ plaintext: Data, aad: String) -> Data { Data(sealed(plaintext, aad: aad)) }

    /// One copy of the sealed box (nonce · ciphertext · tag, contiguous) after the prefix.
    private func sealed<P: DataProtocol>(_ plaintext: P, aad: String) -> [UInt8] {
        let box = try! AES.GCM.seal(plaintext, using: current.key, nonce: AES.GCM.Nonce(), authenticating: Array(aad.utf8))
        var out = prefix
        out.reserveCapacity(prefix.count + 28 + plaintext.count)
        box.combined!.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }

    public func open(_ sealed: [UInt8], aad: String) throws -> [UInt8] {
        guard Self.isSealed(sealed) else { throw OpenError.notSealed }
        let idLength = Int(sealed[3])
        guard sealed.count >= 4 + idLength + 12 + 16 else { throw OpenError.corrupt }
        let id = String(decoding: sealed[4..<(4 + idLength)], as: UTF8.self)
        guard let key = byID[id] else { throw OpenError.unknownKey(id) }
        let rest = sealed[(4 + idLength)...]
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: rest.prefix(12)),
                                            ciphertext: rest.dropFirst(12).dropLast(16), tag: rest.suffix(16))
            return Array(try AES.GCM.open(box, using: key.key, authenticating: Array(aad.utf8)))
        } catch { throw OpenError.corrupt }
    }

    public func open(_ sealed: Data, aad: String) throws -> Data { Data(try open(Array(sealed), aad: aad)) }

    /// Rows written before encryption at rest was introduced are read as they are (and sealed
    /// when next written); anything that starts like a sealed value must open.
    public func openOrLegacy(_ stored: Data, aad: String) throws -> Data {
        Self.isSealed(Array(stored.prefix(3))) ? try open(stored, aad: aad) : stored
    }

    /// Whether a stored value was sealed under a key other than the current one (a rotation's
    /// re-sealing pass looks for these).
    public func needsResealing(_ stored: Data) -> Bool {
        let bytes = Array(stored.prefix(4 + 255))
        guard Self.isSealed(bytes), bytes.count > 4 + Int(bytes[3]) else { return true }
        return String(decoding: bytes[4..<(4 + Int(bytes[3]))], as: UTF8.self) != current.id
    }

    static func isSealed(_ bytes: [UInt8]) -> Bool { bytes.count >= 3 && Array(bytes.prefix(3)) == magic }
}
