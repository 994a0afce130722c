/// What the keywords of a schema evaluated in one instance, which `unevaluatedProperties`
/// and `unevaluatedItems` need. Only collected in schemas that contain those keywords.
struct Annotations {
    var properties: Set<String> = []
    var allProperties = false
    /// Items before this index were evaluated (`prefixItems`).
    var itemPrefix = 0
    /// Every item was evaluated (`items`, `unevaluatedItems`).
    var allItems = false
    /// Items evaluated out of order (`contains`).
    var items: Set<Int> = []

    mutating func merge(_ other: Annotations) {
        properties.formUnion(other.properties)
        allProperties = allProperties || other.allProperties
        itemPrefix = max(itemPrefix, other.itemPrefix)
        allItems = allItems || other.allItems
        items.formUnion(other.items)
    }

    func isEvaluated(property: String) -> Bool { allProperties || properties.contains(property) }
    func isEvaluated(item: Int) -> Bool { allItems || item < itemPrefix || items.contains(item) }
}
