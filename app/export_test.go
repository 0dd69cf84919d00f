package app

// OpenWaiting is openWaiting, for the tests of the app_test package.
var OpenWaiting = openWaiting

// DialWaiting is dialWaiting, for the tests of the app_test package.
var DialWaiting = dialWaiting

// WorkerHTTP is workerHTTP, for the tests of the app_test package.
var WorkerHTTP = workerHTTP
