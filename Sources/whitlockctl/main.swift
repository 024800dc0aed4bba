print("whitlockctl")
