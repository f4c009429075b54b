import Reconciler

extension RuntimeSettings {
    /// The controller's options from the settings; `writes` for `--mode heal` or `--apply`.
    func controllerOptions(once: Bool, writes: Bool) -> Controller.Options {
        Controller.Options(interval: interval, resync: resync, realert: realert, registrationGrace: registrationGrace,
                           maxHold: maxHold, unregisterTimeout: unregisterTimeout, writes: writes, once: once,
                           asteriskConfigured: asteriskConfigured, names: names,
                           reRegisterBackoff: Backoff(base: reRegisterAfter, cap: max(Backoff.reRegister.cap, reRegisterAfter)))
    }
}
