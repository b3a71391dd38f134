public enum HandlerKitPlaceholder {}
