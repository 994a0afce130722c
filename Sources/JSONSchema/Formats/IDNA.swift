/// The parts of IDNA2008 a validator needs: which code points a label may hold
/// (RFC 5892, derived from Unicode properties), the contextual rules (Appendix A) and the
/// Bidi rule (RFC 5893). Bidi classes are approximated by script ranges, which Swift's
/// Unicode properties do not expose.
enum IDNA {
    static func isValidULabel(_ label: [Unicode.Scalar]) -> Bool {
        guard let first = label.first, label.first != "-", label.last != "-" else { return false }
        if label.count >= 4, label[2] == "-", label[3] == "-" { return false }
        switch first.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return false
        default: break
        }
        for (index, scalar) in label.enumerated() {
            switch status(of: scalar) {
            case .valid: continue
            case .invalid: return false
            case .contextual: guard contextAllows(index, in: label) else { return false }
            }
        }
        return true
    }

    enum Status { case valid, invalid, contextual }

    static func status(of scalar: Unicode.Scalar) -> Status {
        switch scalar.value {
        case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007: return .valid
        case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031...0x3035, 0x303B: return .invalid
        case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, 0x0660...0x0669, 0x06F0...0x06F9, 0x200C, 0x200D:
            return .contextual
        case 0x1100...0x11FF, 0xA960...0xA97F, 0xD7B0...0xD7FF: return .invalid  // old Hangul Jamo
        default: break
        }
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" ? .valid : .invalid
        }
        let properties = scalar.properties
        if properties.changesWhenNFKCCaseFolded || properties.isDefaultIgnorableCodePoint
            || properties.isNoncharacterCodePoint || properties.isWhitespace
        {
            return .invalid
        }
        switch properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber, .modifierLetter, .nonspacingMark,
            .spacingMark:
            return .valid
        default:
            return .invalid
        }
    }

    private static func contextAllows(_ index: Int, in label: [Unicode.Scalar]) -> Bool {
        let scalar = label[index]
        let before = index > 0 ? label[index - 1] : nil
        let after = index + 1 < label.count ? label[index + 1] : nil
        switch scalar.value {
        case 0x200D:
            return before?.properties.canonicalCombiningClass == .virama
        case 0x200C:
            if before?.properties.canonicalCombiningClass == .virama { return true }
            // The joining-type regular expression, approximated: joining letters on both sides.
            return before.map(isJoiningLetter) == true && after.map(isJoiningLetter) == true
        case 0x00B7:
            return before == "l" && after == "l"
        case 0x0375:
            return after.map(isGreek) == true
        case 0x05F3, 0x05F4:
            return before.map(isHebrew) == true
        case 0x30FB:
            return label.contains { $0.value != 0x30FB && isJapaneseOrHan($0) }
        case 0x0660...0x0669:
            return !label.contains { (0x06F0...0x06F9).contains($0.value) }
        case 0x06F0...0x06F9:
            return !label.contains { (0x0660...0x0669).contains($0.value) }
        default:
            return false
        }
    }

    private static func isGreek(_ s: Unicode.Scalar) -> Bool {
        (0x0370...0x03FF).contains(s.value) || (0x1F00...0x1FFF).contains(s.value)
    }
    private static func isHebrew(_ s: Unicode.Scalar) -> Bool { (0x0590...0x05FF).contains(s.value) }
    private static func isJoiningLetter(_ s: Unicode.Scalar) -> Bool {
        ((0x0620...0x064A).contains(s.value) || (0x066E...0x06D3).contains(s.value))
            || (0x064B...0x065F).contains(s.value)
    }
    private static func isJapaneseOrHan(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
            0x20000...0x2FA1F:
            true
        default: false
        }
    }

    // MARK: Bidi rule (RFC 5893)

    enum BidiClass { case l, r, al, en, an, nsm, other }

    static func bidiClass(_ s: Unicode.Scalar) -> BidiClass {
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return .nsm
        default: break
        }
        switch s.value {
        case 0x30...0x39, 0x06F0...0x06F9: return .en
        case 0x0660...0x0669, 0x066B, 0x066C: return .an
        case 0x0590...0x05FF, 0x07C0...0x07FF, 0xFB1D...0xFB4F, 0x10800...0x10FFF, 0x1E800...0x1EFFF: return .r
        case 0x0600...0x06FF, 0x0700...0x07BF, 0x0860...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: return .al
        default: break
        }
        switch s.properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .modifierLetter, .titlecaseLetter, .spacingMark,
            .decimalNumber:
            return .l
        default: return .other
        }
    }

    /// The rule applies to every label of a domain that has any right-to-left label.
    static func satisfiesBidiRule(_ labels: [[Unicode.Scalar]]) -> Bool {
        let isBidiDomain = labels.contains { $0.contains { [.r, .al, .an].contains(bidiClass($0)) } }
        guard isBidiDomain else { return true }
        for label in labels {
            let classes = label.map(bidiClass)
            guard let first = classes.first else { return false }
            let last = classes.last { $0 != .nsm } ?? first
            switch first {
            case .r, .al:
                if classes.contains(.l) { return false }
                if ![.r, .al, .en, .an].contains(last) { return false }
                if classes.contains(.en) && classes.contains(.an) { return false }
            case .l:
                if classes.contains(where: { [.r, .al, .an].contains($0) }) { return false }
                if ![.l, .en].contains(last) { return false }
            default:
                return false
            }
        }
        return true
    }
}
