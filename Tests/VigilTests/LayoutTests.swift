import Foundation
import Testing

/// The README's layout promise: no two areas of the library depend on each other, and each
/// depends only on the areas its row of the README's table lists.
@Suite struct LayoutTests {
    @Test func noTwoAreasDependOnEachOtherAndTheREADMEsTableSaysWhatEachUses() throws {
        let outcome = try TestEnvironment.run(
            program: "python3", [TestEnvironment.repository.appendingPathComponent("Scripts/area-dependencies.py").path]
        )
        #expect(outcome.status == 0, "\(outcome.standardOutput)")
        #expect(!outcome.standardOutput.contains("both ways"))
        #expect(!outcome.standardOutput.contains("does not say"), "\(outcome.standardOutput)")
    }
}
