print("whitlockd")
