package let openAPIDocumentBytes: [UInt8] = PackageResources.openapi_yaml
