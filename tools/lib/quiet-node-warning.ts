// The AWS SDK warns once per process that Node < 22 loses support in 2027. The tools run fine on Node 20 (the
// README says so); the warning on stderr of every CLI call would only bury their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
