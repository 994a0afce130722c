import Foundation
import Testing

@testable import Vigil

/// Glob matching on its own: wildcards, classes, hidden names, `**`, which folders a walk
/// enters, and no blow-up on patterns made to backtrack.
@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("data/*.jpg", "data/a.jpg", true), ("data/*.jpg", "data/a.png", false), ("data/*.jpg", "data/x/a.jpg", false),
        ("data/?.txt", "data/a.txt", true), ("data/?.txt", "data/ab.txt", false),
        ("data/[a-c]*.txt", "data/b1.txt", true), ("data/[a-c]*.txt", "data/d1.txt", false),
        ("data/[!a]*.txt", "data/b.txt", true), ("data/[!a]*.txt", "data/a.txt", false),
        ("data/[z-a].txt", "data/m.txt", false),  // a range written backwards matches nothing (it crashed before)
        ("data/[abc.txt", "data/[abc.txt", true),  // no closing ]: literal
        ("data/*.txt", "data/.hidden.txt", false), ("data/.*.txt", "data/.hidden.txt", true),
        ("data/**/*.txt", "data/a.txt", true), ("data/**/*.txt", "data/a/b/c.txt", true),
        ("data/**/**/*.txt", "data/a/b/c.txt", true),
        ("**/thumbs/**", "data/thumbs/x.jpg", true), ("**/thumbs/**", "data/thumb/x.jpg", false),
        ("data/*é*.txt", "data/café.txt", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(path) == expected, "\(pattern) against \(path)")
    }

    /// A walk enters a folder only if a file under it could match.
    @Test func aWalkEntersOnlyFoldersThePatternCanReach() {
        let flat = GlobPattern("data/*.txt")
        #expect(flat.mayMatch(under: "data"))
        #expect(!flat.mayMatch(under: "data/sub"))
        #expect(!flat.mayMatch(under: "other"))
        let parent = GlobPattern("../?iles/data/*.txt")  // found by the fuzzer: it walked all of /tmp
        #expect(parent.mayMatch(under: "../files"))
        #expect(parent.mayMatch(under: "../files/data"))
        #expect(!parent.mayMatch(under: "../vigil-run-1"))
        #expect(!parent.mayMatch(under: "../files/data/deeper"))
        let deep = GlobPattern("data/**/*.jpg")
        #expect(deep.mayMatch(under: "data/a/b/c"))
        #expect(!deep.mayMatch(under: "elsewhere"))
    }

    /// Stars that make a backtracking matcher take exponential time: answered at once.
    @Test func manyStarsOnALongNameDoNotBacktrackForever() {
        let name = "data/" + String(repeating: "a", count: 5_000) + ".txt"
        let pattern = GlobPattern("data/" + String(repeating: "*a", count: 40) + "*b.txt")
        let clock = ContinuousClock()
        let took = clock.measure { #expect(!pattern.matches(name)) }
        // Proportional to pattern × name: milliseconds; a backtracking matcher does not end.
        #expect(took < .seconds(10), "took \(took)")
    }
}
