print("scs")
