import Foundation

/// Finds ids that repeat in a JSON Lines input without keeping the ids: 8 bytes a record.
///
/// While the records stream by, each id's fingerprint (its 64-bit hash) goes into a flat
/// buffer; at the end of the input the buffer is sorted in place once and fingerprints that
/// appear twice are the candidates. A candidate is only a suspicion — two different ids can
/// share a fingerprint — so `InputSource` confirms it against the ids themselves, reading
/// the file again (only then, and only those ids).
///
/// The buffer is mapped from the system, not taken from `malloc`, and sorted without a
/// scratch buffer: glibc raises its mmap threshold after a large block is freed, and the
/// memory of a run that followed a 1M-record check then stayed in the process (the run's
/// peak went from 37 to 53 MB). A flat buffer also needs half the memory of a hash set of
/// the same fingerprints (1M records: 8 MB, 12 MB while it grows, against 24 MB).
struct IDFingerprints {
    private var storage = Storage()
    /// The fingerprint of an id; a parameter so a test can make every id collide.
    let fingerprint: @Sendable (String) -> Int

    init(fingerprint: @escaping @Sendable (String) -> Int = { $0.hashValue }) {
        self.fingerprint = fingerprint
    }

    var count: Int { storage.count }

    mutating func add(_ id: String) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.append(fingerprint(id))
    }

    /// The fingerprints seen more than once (usually none); forgets what was added.
    mutating func repeated() -> Set<Int> {
        defer { storage = Storage() }
        guard storage.count > 1 else { return [] }
        let values = UnsafeMutableBufferPointer(start: storage.base, count: storage.count)
        Self.sortInPlace(values)
        var repeated: Set<Int> = []
        for index in 1..<values.count where values[index] == values[index - 1] {
            repeated.insert(values[index])
        }
        return repeated
    }

    /// Quicksort with a median-of-three pivot, insertion sort for short ranges, and the
    /// recursion on the shorter side only (a stack of log n); no memory besides the stack.
    static func sortInPlace(_ values: UnsafeMutableBufferPointer<Int>) {
        var low = 0
        var high = values.count - 1
        while high - low > 16 {
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var left = low
            var right = high
            while left <= right {
                while values[left] < pivot { left += 1 }
                while values[right] > pivot { right -= 1 }
                if left <= right {
                    values.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if right - low < high - left {
                sortInPlace(UnsafeMutableBufferPointer(rebasing: values[low...right]))
                low = left
            } else {
                sortInPlace(UnsafeMutableBufferPointer(rebasing: values[left...high]))
                high = right
            }
        }
        if high > low {
            for index in (low + 1)...high {
                let value = values[index]
                var position = index
                while position > low && values[position - 1] > value {
                    values[position] = values[position - 1]
                    position -= 1
                }
                values[position] = value
            }
        }
    }

    /// Pages from `mmap`, given back to the system as soon as they are not needed.
    final class Storage {
        private(set) var base: UnsafeMutablePointer<Int>?
        private(set) var count = 0
        private var capacity = 0

        func append(_ value: Int) {
            if count == capacity { grow() }
            base![count] = value
            count += 1
        }

        func copy() -> Storage {
            let copy = Storage()
            for index in 0..<count { copy.append(base![index]) }
            return copy
        }

        private func grow() {
            let newCapacity = max(8192, capacity * 2)
            guard
                let mapped = mmap(
                    nil, newCapacity * MemoryLayout<Int>.stride, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0),
                mapped != MAP_FAILED
            else {
                fatalError(
                    "cannot map \(newCapacity * MemoryLayout<Int>.stride) bytes for the id check: \(String(cString: strerror(errno)))"
                )
            }
            let bigger = mapped.bindMemory(to: Int.self, capacity: newCapacity)
            if let base {
                bigger.update(from: base, count: count)
                munmap(base, capacity * MemoryLayout<Int>.stride)
            }
            base = bigger
            capacity = newCapacity
        }

        deinit {
            if let base { munmap(base, capacity * MemoryLayout<Int>.stride) }
        }
    }
}
