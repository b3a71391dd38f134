// Placeholder: this service is being built (see its issue).
