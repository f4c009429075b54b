// The reliability suite lands here.
