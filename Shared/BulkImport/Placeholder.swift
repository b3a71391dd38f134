public enum BulkImportPlaceholder {}
