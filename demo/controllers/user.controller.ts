import { Authorized, CurrentUser, Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';
import type { DemoUser } from '../users';

/** Routes for a logged-in user, and one for admins. */
@Service()
@JsonController()
export class UserController {
  /** Any valid access token; the user comes from the `userLoader` given to `pasetoCurrentUserChecker`. */
  @Get('/me')
  @Authorized()
  me(@CurrentUser({ required: true }) user: DemoUser): { user: DemoUser } {
    return { user };
  }

  /** Only tokens whose `roles` claim holds `admin` (user `admin`); anyone else gets 403. */
  @Get('/admin')
  @Authorized('admin')
  admin(@CurrentUser({ required: true }) user: DemoUser): { message: string; user: DemoUser } {
    return { message: `Welcome to the admin area, ${user.name}`, user };
  }
}
