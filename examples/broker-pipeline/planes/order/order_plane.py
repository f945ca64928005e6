print('order plane')
