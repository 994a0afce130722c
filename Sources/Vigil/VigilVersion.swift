/// The version of Vigil recorded in run manifests and printed by `vigil --version`.
public enum VigilVersion {
    public static let current = "0.1.0"
}
