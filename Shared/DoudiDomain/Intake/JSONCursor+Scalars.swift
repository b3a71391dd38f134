// Strings and numbers of the JSON grammar.

extension JSONCursor {
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func string() throws(JSONParseError) -> String {
        let start = offset
        offset += 1 // opening quote
        var buffer: [UInt8] = []
        while true {
            let b = try peek()
            switch b {
            case UInt8(ascii: "\""):
                offset += 1
                // The input was validated as UTF-8 and escapes add whole scalars only.
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                offset += 1
                try appendEscape(into: &buffer)
            case 0x00..<0x20:
                throw .unexpectedByte(offset: offset)
            default:
                buffer.append(b)
                offset += 1
            }
            guard buffer.count <= limits.maxStringBytes else { throw .stringTooLong(offset: start) }
        }
    }

    private mutating func appendEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeOffset = offset - 1
        let b = try peek()
        offset += 1
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(b)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hexQuad(escapeOffset)
            if (0xD800...0xDBFF).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                else { throw .invalidEscape(offset: escapeOffset) }
                offset += 2
                let low = try hexQuad(escapeOffset)
                guard (0xDC00...0xDFFF).contains(low) else { throw .invalidEscape(offset: escapeOffset) }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw .invalidEscape(offset: escapeOffset) }
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            throw .invalidEscape(offset: escapeOffset)
        }
    }

    private mutating func hexQuad(_ escapeOffset: Int) throws(JSONParseError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw .unexpectedEnd }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[offset]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 55)
            default: throw .invalidEscape(offset: escapeOffset)
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    mutating func number() throws(JSONParseError) -> JSONNumber {
        let start = offset
        if try peek() == UInt8(ascii: "-") { offset += 1 }
        let first = try peek()
        guard Self.isDigit(first) else { throw .unexpectedByte(offset: offset) }
        offset += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            try requireDigits()
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            try requireDigits()
        }
        guard offset - start <= limits.maxNumberLength else { throw .numberTooLong(offset: start) }
        return JSONNumber(validatedLexeme: String(decoding: bytes[start..<offset], as: UTF8.self))
    }

    private mutating func skipDigits() {
        while offset < bytes.count, Self.isDigit(bytes[offset]) { offset += 1 }
    }

    private mutating func requireDigits() throws(JSONParseError) {
        guard Self.isDigit(try peek()) else { throw .unexpectedByte(offset: offset) }
        skipDigits()
    }
}
