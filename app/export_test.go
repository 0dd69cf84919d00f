package app

// OpenWaiting is openWaiting, for the tests of the app_test package.
var OpenWaiting = openWaiting
