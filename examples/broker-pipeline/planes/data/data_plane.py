print('data plane')
