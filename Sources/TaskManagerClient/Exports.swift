// The generated client and its types (`Client`, `Components`, `Operations`) are this library's API:
// an app imports TaskManagerClient alone.
@_exported import TaskManagerClientAPI
